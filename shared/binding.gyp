{
  # The SM2 addon: plain Node-API in C over the EVP API of the OpenSSL that Node itself contains.
  # It deliberately links no libcrypto: Node exports OpenSSL's symbols, so the addon binds to the
  # very library (and provider configuration) that Node's own crypto module uses. SM2 signing and
  # verifying run on the addon's own curve arithmetic (native/sm2_curve.c, native/sm2_signature.c).
  # Hidden visibility: only the Node-API entry point leaves the module, so none of its helpers can
  # collide with a symbol of Node or its OpenSSL.
  "targets": [
    {
      "target_name": "citytrust_crypto",
      "sources": ["native/citytrust_crypto.c", "native/sm2_signature.c", "native/sm2_curve.c"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_API_COMPAT=30000", "OPENSSL_NO_DEPRECATED"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"]
    }
  ]
}
