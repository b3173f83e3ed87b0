/**
 * A self-signed P-256 client certificate (CN=conformance-user, O=Finance, OU=client), valid until
 * 2126, for unit tests that need a transaction creator: fabric-shim's ClientIdentity parses the
 * creator's certificate on every invocation. Its private key was discarded; nothing signs with it.
 */
export const TEST_CLIENT_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIB7jCCAZOgAwIBAgIUC1iptpK2riYA0V8joQ8x8hQO9dEwCgYIKoZIzj0EAwIw
SzELMAkGA1UEBhMCQ04xEDAOBgNVBAoMB0ZpbmFuY2UxDzANBgNVBAsMBmNsaWVu
dDEZMBcGA1UEAwwQY29uZm9ybWFuY2UtdXNlcjAgFw0yNjExMjMxNzUzNDhaGA8y
MTI2MTAzMDE3NTM0OFowSzELMAkGA1UEBhMCQ04xEDAOBgNVBAoMB0ZpbmFuY2Ux
DzANBgNVBAsMBmNsaWVudDEZMBcGA1UEAwwQY29uZm9ybWFuY2UtdXNlcjBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABDkXqLkFgOk3no+DwaVKp1eYtVnxBvusWqYa
L2kOCiRUFfZDbr/iuFjCjiEaaY0uvjWyLiVCmUVxPqDQD+KezSWjUzBRMB0GA1Ud
DgQWBBSWkCRnWp2LtxGxkNfKpVBYyQHueTAfBgNVHSMEGDAWgBSWkCRnWp2LtxGx
kNfKpVBYyQHueTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDa
rgz+AbFb3aDoXVwSJSKyetX5aVE8s4m9igDdEKbmMwIhANgYB+mpULgYqfLsEkHF
NjutY9I2MzB1LdQ2jAPq97Kr
-----END CERTIFICATE-----
`;
