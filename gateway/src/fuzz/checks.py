"""Checks of the gateway's own conventions that schemathesis cannot read from the OpenAPI document.

Loaded by schemathesis through SCHEMATHESIS_HOOKS (api-fuzz.test.ts sets it): every refusal has the
one error shape and every answer carries a request id, whatever the fuzzer sent.
"""
import json

import schemathesis


@schemathesis.check
def one_error_shape(ctx, response, case):
    """A 4xx or 5xx is {"error": {"code", "message", "details"?}} as JSON, with x-request-id."""
    if not response.headers.get("x-request-id"):
        raise AssertionError(f"a {response.status_code} without an x-request-id header")
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"a {response.status_code} whose body is not JSON: {response.content[:200]!r}")
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str) or not isinstance(error.get("message"), str):
        raise AssertionError(f'a {response.status_code} not in the one error shape {{"error": {{"code", "message", "details"}}}}: {body!r}')
    unexpected = set(body) - {"error"} or set(error) - {"code", "message", "details"}
    if unexpected:
        raise AssertionError(f"a {response.status_code} with fields outside the one error shape: {sorted(unexpected)}")
    if "details" in error and not isinstance(error["details"], dict):
        raise AssertionError(f"a {response.status_code} whose error.details is not an object: {error['details']!r}")
    return None
