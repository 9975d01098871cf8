"""Rules the OpenAPI document states in words because JSON Schema cannot state them.

A schema describes each value on its own and never the clock, so two rules of Sitrep's APIs are
in the operations' descriptions only: `until` must be after `since` (one range, two parameters),
and a person's entry `at`, a change's `at` and an alert's `startsAt` may not lie in the future
(beyond the clock skew allowed). The services refuse such requests with 400, rightly; a schema-valid
case that breaks one of these rules is therefore not one the document promises to accept, and
this hook keeps the fuzzer from generating it as a positive case. Negative cases are untouched.
Loaded through SCHEMATHESIS_HOOKS by test/fuzz/schemathesis.test.ts.
"""

import re
from datetime import datetime, timedelta, timezone

import schemathesis
from schemathesis.generation import GenerationMode

AGE = re.compile(r"^([0-9]{1,6})([mhdw])$")
UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def _instant(value, now):
    """A `since`/`until`/`at` value as an aware datetime, or None when it is not one."""
    if not isinstance(value, str):
        return None
    age = AGE.match(value)
    if age:
        try:
            return now - int(age.group(1)) * UNITS[age.group(2)]
        except OverflowError:
            return datetime.min.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _future(value, now):
    instant = _instant(value, now)
    return instant is not None and instant > now


@schemathesis.hook
def filter_case(context, case):
    # Stateful steps may come without metadata: those are meant to be valid.
    meta = case.meta
    if meta is not None and meta.generation.mode != GenerationMode.POSITIVE:
        return True
    now = datetime.now(timezone.utc)
    query = case.query if isinstance(case.query, dict) else {}
    since, until = _instant(query.get("since"), now), _instant(query.get("until"), now)
    if since is not None and until is not None and since >= until:
        return False
    body = case.body if isinstance(case.body, dict) else {}
    if _future(body.get("at"), now):
        return False
    alerts = body.get("alerts")
    if isinstance(alerts, list) and any(isinstance(a, dict) and _future(a.get("startsAt"), now) for a in alerts):
        return False
    return True
