"""Validation against the Matrix specification's own OpenAPI and JSON-Schema files.

The files live in the matrix-spec repository's `data/` folder; this project keeps a copy at
`<repo>/../shared/matrix-spec/data` (override with the environment variable MATRIX_SPEC_DIR).

What is checked, and where the rule comes from:
  - request path, path parameters, query parameters and JSON body against the client-server
    OpenAPI operation (`data/api/client-server/*.yaml`), `$ref`s resolved across files;
  - event content sent with PUT .../send/, PUT .../state/, createRoom's initial_state and account
    data against the event schemas (`data/event-schemas/schema/*.yaml`), chosen by type and msgtype;
  - rules the spec states in prose rather than in a schema (see `_content_rules`), each with the
    section it comes from;
  - the MSC3381 poll events, which the spec data does not contain, against hand-written schemas in
    `schemas/` beside this file.
Responses of the fake homeserver and the events it pushes are checked with the same machinery so
the fake stays honest.

Needs Debian's python3-yaml and python3-jsonschema (4.x, for Draft 2020-12); run /usr/bin/python3.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import threading
import urllib.parse
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
LOCAL_SCHEMAS = HERE / "schemas"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def find_spec_dir() -> Path | None:
    """The spec's data/ folder: $MATRIX_SPEC_DIR, else <repo>/../shared/matrix-spec/data."""
    env = os.environ.get("MATRIX_SPEC_DIR")
    repo = HERE.parent.parent  # tests/matrix_peer -> repository root
    candidates = [Path(env)] if env else [repo.parent / "shared" / "matrix-spec" / "data"]
    for c in candidates:
        if (c / "api" / "client-server").is_dir() and (c / "event-schemas" / "schema").is_dir():
            return c.resolve()
    return None


# ---- string formats (data/string-formats.yaml names them; grammar from the spec's appendices) ----

_SERVER_NAME = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?"
_FORMATS = {
    # Appendices "User Identifiers": @localpart:server_name, at most 255 bytes. Historical
    # localparts may hold any printable ASCII except ':'; we accept those but not whitespace.
    "mx-user-id": re.compile(r"^@[\x21-\x39\x3b-\x7e]+:" + _SERVER_NAME + r"$"),
    # Appendices "Room IDs": !opaque_id[:server_name]; room version 12 drops the server name.
    "mx-room-id": re.compile(r"^![\x21-\x7e]+$"),
    "mx-event-id": re.compile(r"^\$[\x21-\x7e]+$"),
    "mx-room-alias": re.compile(r"^#[^:\s]+:" + _SERVER_NAME + r"$"),
    "mx-server-name": re.compile(r"^" + _SERVER_NAME + r"$"),
    "mx-mxc-uri": re.compile(r"^mxc://" + _SERVER_NAME + r"/[A-Za-z0-9_-]+$"),
}


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    for name, rx in _FORMATS.items():
        def check(value, rx=rx, name=name):
            if not isinstance(value, str):
                return True
            if name in ("mx-user-id", "mx-room-id", "mx-event-id", "mx-room-alias") and len(
                    value.encode()) > 255:
                return False
            return bool(rx.match(value))
        checker.checks(name)(check)

    @checker.checks("int64")
    def _int64(value):
        return not isinstance(value, int) or -(2**63) <= value < 2**63
    return checker


FORMAT_CHECKER = _format_checker()


def is_user_id(s) -> bool:
    return isinstance(s, str) and bool(_FORMATS["mx-user-id"].match(s))


def is_room_id(s) -> bool:
    return isinstance(s, str) and bool(_FORMATS["mx-room-id"].match(s))


# ---- results ----

class Issue(dict):
    """One finding: {'errcode', 'where', 'message'}; str() gives 'where: message'."""

    def __init__(self, errcode: str, where: str, message: str):
        super().__init__(errcode=errcode, where=where, message=message)

    def __str__(self):
        return f"{self['where']}: {self['message']}" if self["where"] else self["message"]


class RequestCheck:
    """What validate_request found: the matched operation, typed parameters, parsed body."""

    def __init__(self):
        self.operation: Operation | None = None
        self.allowed_methods: list[str] = []
        self.path_params: dict[str, str] = {}
        self.query: dict[str, object] = {}
        self.body = None
        self.errors: list[Issue] = []
        self.notes: list[str] = []

    @property
    def status(self) -> int:
        """400 for a bad request, 404/405 for no such endpoint, 0 when valid."""
        if self.operation is None:
            return 405 if self.allowed_methods else 404
        return 400 if self.errors else 0

    def errcode(self) -> str:
        return self.errors[0]["errcode"] if self.errors else ""

    def message(self) -> str:
        return "; ".join(str(e) for e in self.errors)


class Operation:
    def __init__(self, method, template, full_path, file, path_item, op, api):
        self.method = method.upper()
        self.template = template  # e.g. /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}
        self.file = file
        self.op = op
        self.api = api  # "client-server" or "application-service"
        self.operation_id = op.get("operationId", "")
        self.parameters = list(path_item.get("parameters", [])) + list(op.get("parameters", []))
        self.literal_segments = sum(1 for s in full_path.split("/") if s and not s.startswith("{"))
        rx = ""
        for seg in full_path.strip("/").split("/"):
            m = re.fullmatch(r"\{(\w+)\}", seg)
            if not m:
                rx += "/" + re.escape(seg)
            elif m.group(1) == "stateKey":
                # "When an empty string, the trailing slash on this endpoint is optional."
                rx += r"(?:/(?P<stateKey>[^/]*))?"
            else:
                rx += "/(?P<%s>[^/]+)" % m.group(1)
        self.regex = re.compile("^" + rx + "$")

    @property
    def secured(self) -> bool:
        return bool(self.op.get("security"))

    def __repr__(self):
        return f"{self.method} {self.template} ({self.operation_id}, {self.file.name})"


# Query parameters the application-service API adds to every client-server call
# (Application Service API, "Identity assertion" and "Timestamp massaging").
_AS_QUERY = {"user_id", "device_id"}
_AS_TS_OPERATIONS = {"sendMessage", "setRoomStateWithKey"}

# HTML the spec lets clients render (Client-Server API, m.room.message msgtypes, "HTML").
_HTML_TAGS = set("""del h1 h2 h3 h4 h5 h6 blockquote p a ul ol sup sub li b i u strong em s code
hr br div table thead tbody tr th td caption pre span img details summary""".split())
_HTML_DEPRECATED = {"font", "strike", "mx-reply"}
_HTML_ATTRS = {
    "font": {"data-mx-bg-color", "data-mx-color", "color"},
    "span": {"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"},
    "div": {"data-mx-maths"},
    "a": {"name", "target", "href"},
    "img": {"width", "height", "alt", "title", "src"},
    "ol": {"start"},
    "code": {"class"},
}
_SAFE_INT = 2**53 - 1


class _TagCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


class Spec:
    """Loads the spec's YAML once (cached) and validates requests, responses and events."""

    def __init__(self, spec_dir: Path | str | None = None):
        d = Path(spec_dir) if spec_dir else find_spec_dir()
        if d is None or not (d / "api" / "client-server").is_dir():
            raise FileNotFoundError(
                "Matrix spec data not found: set MATRIX_SPEC_DIR or put matrix-spec/data at "
                "<repo>/../shared/matrix-spec/data")
        self.dir = d.resolve()
        self._docs: dict[str, object] = {}
        self._lock = threading.RLock()
        self._validators: dict[tuple, jsonschema.protocols.Validator] = {}
        self.operations: list[Operation] = []
        self.as_operations: list[Operation] = []
        for api, table in (("client-server", self.operations),
                           ("application-service", self.as_operations)):
            for f in sorted((self.dir / "api" / api).glob("*.yaml")):
                self._add_operations(api, f, table)
        self.event_schemas: dict[str, Path] = {}
        for f in sorted((self.dir / "event-schemas" / "schema").glob("*.yaml")):
            self.event_schemas[f.stem] = f
        for f in sorted(LOCAL_SCHEMAS.glob("*.yaml")):
            self.event_schemas.setdefault(f.stem, f)

    # ---- loading and $ref resolution ----

    def load(self, path: Path | str):
        """A YAML file as a Python object, parsed once. Local schemas get `spec:` refs rewritten."""
        key = str(Path(path).resolve())
        with self._lock:
            if key not in self._docs:
                with open(key, encoding="utf-8") as fh:
                    doc = yaml.load(fh, Loader=_Loader)
                if Path(key).parent == LOCAL_SCHEMAS.resolve():
                    doc = self._rewrite_spec_refs(doc)
                self._docs[key] = doc
            return self._docs[key]

    def _rewrite_spec_refs(self, node):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str) and v.startswith("spec:"):
                    v = (self.dir / v[len("spec:"):]).as_uri()
                out[k] = self._rewrite_spec_refs(v)
            return out
        if isinstance(node, list):
            return [self._rewrite_spec_refs(v) for v in node]
        return node

    def _resolve_remote(self, uri):
        p = urllib.parse.urlsplit(uri)
        if p.scheme != "file":
            raise jsonschema.RefResolutionError(f"refusing to fetch {uri}: only file refs")
        return self.load(urllib.parse.unquote(p.path))

    def _resolver(self, base_file: Path) -> jsonschema.RefResolver:
        uri = Path(base_file).resolve().as_uri()
        store = {}
        with self._lock:
            for k, v in self._docs.items():
                store[Path(k).as_uri()] = v
        return jsonschema.RefResolver(base_uri=uri, referrer=self.load(base_file), store=store,
                                      handlers={"file": self._resolve_remote})

    def _deref(self, node, base_file: Path):
        """Follow a `$ref` on an OpenAPI object (parameter, requestBody) to the object itself."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 10:
            url, node = self._resolver(base_file).resolve(node["$ref"])
            p = urllib.parse.urlsplit(url)
            base_file = Path(urllib.parse.unquote(p.path))
            seen += 1
        return node, base_file

    def _validator(self, schema, base_file: Path, key=None):
        k = (key, str(base_file)) if key is not None else None
        if k is not None and k in self._validators:
            return self._validators[k]
        v = jsonschema.Draft202012Validator(schema, resolver=self._resolver(base_file),
                                            format_checker=FORMAT_CHECKER)
        if k is not None:
            self._validators[k] = v
        return v

    def validate_schema(self, instance, schema, base_file: Path, where: str, errcode: str,
                        key=None) -> list[Issue]:
        # RefResolver keeps a scope stack, so one validation at a time.
        with self._lock:
            v = self._validator(schema, base_file, key)
            found = sorted(v.iter_errors(instance), key=lambda e: [str(x) for x in e.absolute_path])
        issues = []
        for e in found:
            path = "/".join(str(x) for x in e.absolute_path)
            loc = where + ("." + path.replace("/", ".") if path else "")
            issues.append(Issue(errcode, loc, _describe(e)))
        return issues

    def _add_operations(self, api, f: Path, table):
        doc = self.load(f)
        base = ""
        for s in doc.get("servers", []) or []:
            base = s.get("variables", {}).get("basePath", {}).get("default", "") or base
        for template, item in (doc.get("paths") or {}).items():
            template = template.strip()
            for method in ("get", "put", "post", "delete"):
                if method in item:
                    full = base + template
                    table.append(Operation(method, full, full, f, item, item[method], api))

    # ---- routes ----

    def match(self, method: str, raw_path: str, table=None):
        """(operation, raw path params, allowed methods) for a percent-encoded request path."""
        best, params, allowed = None, None, set()
        for op in table if table is not None else self.operations:
            m = op.regex.match(raw_path)
            if not m:
                continue
            if op.method != method.upper():
                allowed.add(op.method)
                continue
            if best is None or op.literal_segments > best.literal_segments:
                best, params = op, {k: (v or "") for k, v in m.groupdict().items()}
        return best, params or {}, sorted(allowed)

    def operation(self, operation_id: str, api="client-server") -> Operation:
        table = self.operations if api == "client-server" else self.as_operations
        for op in table:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)

    # ---- requests ----

    def validate_request(self, method: str, raw_path: str, query: dict[str, list[str]],
                         body: bytes, content_type: str | None,
                         as_token_used: bool = False) -> RequestCheck:
        """Check a request the bot made against the client-server OpenAPI."""
        check = RequestCheck()
        op, raw_params, allowed = self.match(method, raw_path)
        if op is None:
            # Same path under other methods counts; alternative operations on the same template
            # (e.g. /rooms/{roomId}/invite in two files) are tried in match order.
            check.allowed_methods = allowed
            if allowed:
                check.errors.append(Issue("M_UNRECOGNIZED", "method",
                                          f"{method} is not defined for this path in the spec "
                                          f"(allowed: {', '.join(allowed)})"))
            else:
                check.errors.append(Issue("M_UNRECOGNIZED", "path",
                                          f"no endpoint in the Matrix spec matches {raw_path}"))
            return check
        check.operation = op
        alternatives = [o for o in self.operations
                        if o is not op and o.method == op.method and o.template == op.template]

        # path parameters
        declared = {}
        for p in op.parameters:
            p, pf = self._deref(p, op.file)
            declared[(p.get("in"), p.get("name"))] = (p, pf)
        for name, raw in raw_params.items():
            value = urllib.parse.unquote(raw, errors="strict") if raw else ""
            check.path_params[name] = value
            p, pf = declared.get(("path", name), (None, op.file))
            if p is not None and "schema" in p:
                check.errors += self.validate_schema(value, p["schema"], pf, f"path.{name}",
                                                     "M_INVALID_PARAM")

        # query parameters
        for (where, name), (p, pf) in declared.items():
            if where != "query":
                continue
            if name not in query:
                if p.get("required"):
                    check.errors.append(Issue("M_MISSING_PARAM", f"query.{name}",
                                              "required query parameter is missing"))
                continue
            schema = p.get("schema", {})
            values = query[name]
            if schema.get("type") == "array":
                typed = [_coerce(v, schema.get("items", {})) for v in values]
            else:
                if len(values) > 1:
                    check.errors.append(Issue("M_INVALID_PARAM", f"query.{name}",
                                              "given more than once"))
                typed = _coerce(values[-1], schema)
            check.query[name] = typed
            check.errors += self.validate_schema(typed, schema, pf, f"query.{name}",
                                                 "M_INVALID_PARAM")
        for name, values in query.items():
            if ("query", name) in declared:
                continue
            if name == "access_token":
                check.notes.append("access_token in the query string is deprecated (v1.11); "
                                   "use the Authorization header")
            elif name in _AS_QUERY and as_token_used:
                check.query[name] = values[-1]
            elif name == "ts" and as_token_used and op.operation_id in _AS_TS_OPERATIONS:
                typed = _coerce(values[-1], {"type": "integer"})
                check.query[name] = typed
                if not isinstance(typed, int):
                    check.errors.append(Issue("M_INVALID_PARAM", "query.ts",
                                              "must be an integer (milliseconds)"))
            elif name in _AS_QUERY or name == "ts":
                check.errors.append(Issue("M_INVALID_PARAM", f"query.{name}",
                                          "only an application service (as_token) may use "
                                          f"'{name}' here"))
            else:
                check.errors.append(Issue("M_INVALID_PARAM", f"query.{name}",
                                          f"unknown query parameter for {op.operation_id}"))
        if op.operation_id == "sync" and isinstance(check.query.get("filter"), str):
            check.errors += self._inline_filter(check.query["filter"])

        # body
        rb, rbf = self._deref(op.op.get("requestBody"), op.file) if op.op.get(
            "requestBody") else (None, op.file)
        if body:
            ctype = (content_type or "").split(";")[0].strip().lower()
            if rb is None and op.method == "GET":
                check.errors.append(Issue("M_BAD_JSON", "body", "a GET request has no body"))
            elif rb is None:
                check.notes.append("request body sent but the operation defines none")
            elif "application/json" in (rb.get("content") or {}) and ctype != "application/json":
                check.errors.append(Issue("M_NOT_JSON", "header.Content-Type",
                                          f"must be application/json, got {content_type!r}"))
        if rb is not None:
            schema = ((rb.get("content") or {}).get("application/json") or {}).get("schema")
            if schema is not None:
                if not body:
                    if rb.get("required"):
                        check.errors.append(Issue("M_NOT_JSON", "body",
                                                  "a JSON body is required (send {} if empty)"))
                else:
                    parsed, err = parse_json(body)
                    if err:
                        check.errors.append(Issue("M_NOT_JSON", "body", err))
                    else:
                        check.body = parsed
                        errs = self.validate_schema(parsed, schema, rbf, "body", "M_BAD_JSON",
                                                    key=(op.template, op.method, "body"))
                        if errs and alternatives:
                            for alt in alternatives:
                                arb, arbf = self._deref(alt.op.get("requestBody") or {}, alt.file)
                                asch = ((arb.get("content") or {}).get("application/json")
                                        or {}).get("schema")
                                if asch is not None and not self.validate_schema(
                                        parsed, asch, arbf, "body", "M_BAD_JSON"):
                                    errs = []
                                    break
                        check.errors += errs
                        check.errors += numeric_rules(parsed, "body")
                        if not (op.operation_id == "register" and as_token_used):
                            check.notes += _undeclared_keys(parsed, schema)
        elif body and check.body is None:
            parsed, err = parse_json(body)
            check.body = parsed if not err else body.decode("utf-8", "replace")

        # event content carried by the request
        self._operation_rules(op, check, as_token_used)
        return check

    def _inline_filter(self, value: str) -> list[Issue]:
        if not value.startswith("{"):
            return []
        parsed, err = parse_json(value.encode())
        if err:
            return [Issue("M_NOT_JSON", "query.filter", "inline filter is not JSON: " + err)]
        f = self.dir / "api" / "client-server" / "definitions" / "sync_filter.yaml"
        return self.validate_schema(parsed, self.load(f), f, "query.filter", "M_BAD_JSON",
                                    key="sync_filter")

    def _operation_rules(self, op: Operation, check: RequestCheck, as_token_used: bool):
        body, pp = check.body, check.path_params
        oid = op.operation_id
        if oid == "sendMessage" and isinstance(body, dict):
            e, n = self.validate_event_content(pp.get("eventType", ""), body, None, "body")
            check.errors += e
            check.notes += n
            if not pp.get("txnId"):
                check.errors.append(Issue("M_INVALID_PARAM", "path.txnId", "empty txnId"))
        elif oid == "setRoomStateWithKey" and isinstance(body, dict):
            e, n = self.validate_event_content(pp.get("eventType", ""), body,
                                               pp.get("stateKey", ""), "body")
            check.errors += e
            check.notes += n
        elif oid == "createRoom" and isinstance(body, dict):
            for i, ev in enumerate(body.get("initial_state") or []):
                if isinstance(ev, dict) and isinstance(ev.get("type"), str) and isinstance(
                        ev.get("content"), dict):
                    e, n = self.validate_event_content(ev["type"], ev["content"],
                                                       ev.get("state_key", ""),
                                                       f"body.initial_state.{i}.content")
                    check.errors += e
                    check.notes += n
        elif oid == "setAccountData" and isinstance(body, dict):
            t = pp.get("type", "")
            if t in self.event_schemas and not t.startswith("m.room"):
                check.errors += self._account_data(t, body)
            if t in ("m.fully_read", "m.push_rules"):
                check.errors.append(Issue("M_BAD_JSON", "path.type",
                                          f"{t} cannot be set through this API"))
        elif oid == "setProfileField" and isinstance(body, dict):
            # The request body's description: exactly one property, named keyName;
            # displayname a string, avatar_url an MXC URI.
            key = pp.get("keyName", "")
            if set(body) != {key}:
                check.errors.append(Issue("M_BAD_JSON", "body",
                                          f"must hold exactly one property, {key!r}"))
            elif key == "displayname" and not isinstance(body[key], str):
                check.errors.append(Issue("M_BAD_JSON", "body.displayname", "must be a string"))
            elif key == "avatar_url" and not (isinstance(body[key], str) and
                                              _FORMATS["mx-mxc-uri"].match(body[key])):
                check.errors.append(Issue("M_BAD_JSON", "body.avatar_url", "must be an mxc:// URI"))
        elif oid == "register" and as_token_used and isinstance(body, dict):
            # Application Service API, "Server admin style permissions": the AS registers its
            # users with this login type.
            if body.get("type") != "m.login.application_service":
                check.errors.append(Issue("M_BAD_JSON", "body.type",
                                          "an application service registers users with "
                                          "type 'm.login.application_service'"))
            if not isinstance(body.get("username"), str):
                check.errors.append(Issue("M_BAD_JSON", "body.username",
                                          "an application service must name the user"))

    def _account_data(self, t, content) -> list[Issue]:
        f = self.event_schemas[t]
        wrapper = {"type": t, "content": content}
        issues = self.validate_schema(wrapper, self.load(f), f, "", "M_BAD_JSON", key=("ad", t))
        out = [Issue(i["errcode"], "body" + i["where"][len(".content"):]
                     if i["where"].startswith(".content") else "body" + i["where"],
                     i["message"]) for i in issues]
        if t == "m.direct":
            # Client-Server API, "Direct Messaging": keys are user IDs, values lists of room IDs.
            for k, v in content.items():
                if not is_user_id(k):
                    out.append(Issue("M_BAD_JSON", f"body.{k}", f"{k!r} is not a user ID"))
                if not isinstance(v, list) or not all(is_room_id(r) for r in v):
                    out.append(Issue("M_BAD_JSON", f"body.{k}", "must be a list of room IDs"))
        return out

    # ---- event content ----

    def event_schema_file(self, event_type: str, content) -> Path | None:
        """The schema for an event type; m.room.message picks m.room.message$<msgtype>."""
        if isinstance(content, dict):
            for key in ("msgtype", "method"):
                sub = content.get(key)
                if isinstance(sub, str) and f"{event_type}${sub}" in self.event_schemas:
                    return self.event_schemas[f"{event_type}${sub}"]
        return self.event_schemas.get(event_type)

    def validate_event_content(self, event_type: str, content, state_key: str | None = None,
                               where: str = "content", room_id: str = "!validation:localhost",
                               sender: str = "@validation:localhost"):
        """(errors, notes) for content the bot sends as `event_type` (state_key for state)."""
        errors: list[Issue] = []
        notes: list[str] = []
        if not isinstance(content, dict):
            return [Issue("M_BAD_JSON", where, "event content must be a JSON object")], notes
        if len(event_type.encode()) > 255 or not event_type:
            errors.append(Issue("M_INVALID_PARAM", "eventType", "event type must be 1-255 bytes"))
        if state_key is not None and len(state_key.encode()) > 255:
            errors.append(Issue("M_INVALID_PARAM", "stateKey", "state_key must be <= 255 bytes"))
        wrapper = {"type": event_type, "content": content, "event_id": "$validation",
                   "sender": sender, "origin_server_ts": 0, "room_id": room_id}
        if state_key is not None:
            wrapper["state_key"] = state_key
        f = self.event_schema_file(event_type, content)
        if f is None:
            notes.append(f"no schema for event type {event_type}: generic checks only")
        else:
            for i in self.validate_schema(wrapper, self.load(f), f, "", "M_BAD_JSON",
                                          key=("event", f.name)):
                w = i["where"]
                if w.startswith(".content"):
                    errors.append(Issue("M_BAD_JSON", where + w[len(".content"):], i["message"]))
                elif w == ".state_key" or (w == "" and "state_key" in i["message"]):
                    hint = (" (a state event: send it with PUT /rooms/{roomId}/state/...)"
                            if state_key is None else "")
                    errors.append(Issue("M_BAD_JSON", "state_key", i["message"] + hint))
                elif w == "" and "'content'" not in i["message"]:
                    errors.append(Issue("M_BAD_JSON", where, f"{i['message']} ({f.name})"))
                else:
                    errors.append(Issue("M_BAD_JSON", where + w, i["message"]))
            if f.parent.resolve() == LOCAL_SCHEMAS.resolve():
                notes.append(f"{event_type} checked against the hand-written MSC3381 schema "
                             f"{f.name} (not in the spec data)")
        errors += numeric_rules(content, where)
        e, n = self._content_rules(event_type, content, where)
        errors += e
        notes += n
        size = len(canonical_json(wrapper).encode())
        if size > 65536:
            errors.append(Issue("M_TOO_LARGE", where,
                                f"event is {size} bytes; the limit is 65536 (canonical JSON)"))
        elif size > 64000:
            notes.append(f"event is {size} bytes, close to the 65536-byte limit once the "
                         "federation fields are added")
        return errors, notes

    def _content_rules(self, event_type, content, where):
        """Rules the spec states in prose, outside the schemas."""
        errors, notes = [], []
        cs = self.dir / "api" / "client-server" / "definitions"
        # Client-Server API, "m.room.message msgtypes" (m.text, m.notice, m.emote): format is
        # required with formatted_body and vice versa; only org.matrix.custom.html is defined.
        if event_type == "m.room.message" or "formatted_body" in content or "format" in content:
            has_f, has_fb = "format" in content, "formatted_body" in content
            if has_fb and not has_f:
                errors.append(Issue("M_BAD_JSON", where + ".format",
                                    "'format' is required when 'formatted_body' is present"))
            if has_f and not has_fb:
                errors.append(Issue("M_BAD_JSON", where + ".formatted_body",
                                    "'formatted_body' is required when 'format' is present"))
            if has_f and content.get("format") != "org.matrix.custom.html":
                errors.append(Issue("M_BAD_JSON", where + ".format",
                                    "only 'org.matrix.custom.html' is defined"))
            if isinstance(content.get("formatted_body"), str):
                e, n = _html_rules(content["formatted_body"], where + ".formatted_body")
                errors += e
                notes += n
        # Client-Server API, "User and room mentions": m.mentions.
        if "m.mentions" in content:
            f = cs / "m.mentions.yaml"
            errors += self.validate_schema(content["m.mentions"], self.load(f), f,
                                           where + ".m.mentions", "M_BAD_JSON", key="m.mentions")
            for i, u in enumerate((content["m.mentions"] or {}).get("user_ids") or []
                                  if isinstance(content["m.mentions"], dict) else []):
                if isinstance(u, str) and not is_user_id(u):
                    errors.append(Issue("M_BAD_JSON", f"{where}.m.mentions.user_ids.{i}",
                                        f"{u!r} is not a user ID"))
        # Client-Server API, "Forming relationships between events" and "Rich replies".
        rel = content.get("m.relates_to")
        if rel is not None:
            rw = where + ".m.relates_to"
            if not isinstance(rel, dict):
                errors.append(Issue("M_BAD_JSON", rw, "must be an object"))
            else:
                if "rel_type" in rel or "m.in_reply_to" not in rel:
                    f = cs / "m.relates_to.yaml"
                    errors += self.validate_schema(rel, self.load(f), f, rw, "M_BAD_JSON",
                                                   key="m.relates_to")
                if "m.in_reply_to" in rel:
                    irt = rel["m.in_reply_to"]
                    if not (isinstance(irt, dict) and isinstance(irt.get("event_id"), str)
                            and irt["event_id"].startswith("$")):
                        errors.append(Issue("M_BAD_JSON", rw + ".m.in_reply_to",
                                            "must be {'event_id': '$...'}"))
                rt = rel.get("rel_type")
                if rt == "m.annotation" and not isinstance(rel.get("key"), str):
                    errors.append(Issue("M_BAD_JSON", rw + ".key",
                                        "an m.annotation relation needs a string 'key'"))
                if rt == "m.thread" and "is_falling_back" in rel and not isinstance(
                        rel["is_falling_back"], bool):
                    errors.append(Issue("M_BAD_JSON", rw + ".is_falling_back", "must be boolean"))
                if rt == "m.replace":
                    nc = content.get("m.new_content")
                    if not isinstance(nc, dict):
                        errors.append(Issue("M_BAD_JSON", where + ".m.new_content",
                                            "an m.replace edit needs an 'm.new_content' object"))
                    else:
                        if "m.relates_to" in nc:
                            errors.append(Issue("M_BAD_JSON", where + ".m.new_content",
                                                "m.new_content must not carry m.relates_to"))
                        e, n = self.validate_event_content(event_type, nc, None,
                                                           where + ".m.new_content")
                        errors += e
                        notes += n
        elif "m.new_content" in content:
            errors.append(Issue("M_BAD_JSON", where + ".m.relates_to",
                                "m.new_content without an m.replace relation"))
        # MSC3381: answer ids are unique within a poll.
        poll = content.get("org.matrix.msc3381.poll.start") or content.get("m.poll")
        if isinstance(poll, dict) and isinstance(poll.get("answers"), list):
            ids = [a.get("id", a.get("m.id")) for a in poll["answers"] if isinstance(a, dict)]
            if len(ids) != len(set(map(str, ids))):
                errors.append(Issue("M_BAD_JSON", where + ".answers", "answer ids must be unique"))
        return errors, notes

    def validate_event(self, event, kind="client_event", where="event") -> list[Issue]:
        """A whole event as the homeserver returns or pushes it (checks the fake itself)."""
        f = self.dir / "api" / "client-server" / "definitions" / f"{kind}.yaml"
        issues = self.validate_schema(event, self.load(f), f, where, "M_BAD_JSON", key=kind)
        if isinstance(event, dict) and isinstance(event.get("type"), str):
            ef = self.event_schema_file(event["type"], event.get("content"))
            if ef is not None and ef.parent.resolve() != LOCAL_SCHEMAS.resolve():
                e = dict(event)
                e.setdefault("room_id", "!validation:localhost")
                issues += self.validate_schema(e, self.load(ef), ef, where, "M_BAD_JSON",
                                               key=("event", ef.name))
        return issues

    # ---- responses and the AS API (for checking the fake) ----

    def validate_response(self, op: Operation, status: int, body) -> list[Issue]:
        responses = op.op.get("responses") or {}
        r = responses.get(str(status))
        if r is None:
            if status >= 400:
                return self.validate_error(body)
            return [Issue("M_UNKNOWN", "status", f"{status} is not a documented response "
                                                 f"of {op.operation_id}")]
        r, rf = self._deref(r, op.file)
        schema = ((r.get("content") or {}).get("application/json") or {}).get("schema")
        if schema is None:
            return []
        return self.validate_schema(body, schema, rf, "response", "M_UNKNOWN",
                                    key=(op.template, op.method, status))

    def validate_error(self, body) -> list[Issue]:
        f = self.dir / "api" / "client-server" / "definitions" / "errors" / "error.yaml"
        return self.validate_schema(body, self.load(f), f, "response", "M_UNKNOWN", key="error")

    def validate_transaction(self, body) -> list[Issue]:
        op = self.operation("sendTransaction", "application-service")
        rb, rbf = self._deref(op.op["requestBody"], op.file)
        schema = rb["content"]["application/json"]["schema"]
        return self.validate_schema(body, schema, rbf, "transaction", "M_BAD_JSON",
                                    key="transaction")


# ---- helpers ----

def _describe(e: jsonschema.ValidationError) -> str:
    msg = e.message
    if len(msg) > 300:
        msg = msg[:300] + "…"
    if e.validator in ("pattern", "format", "enum", "type", "required"):
        return msg
    return f"{msg} ({e.validator})"


def _coerce(value: str, schema: dict):
    t = schema.get("type")
    if t == "integer":
        try:
            return int(value, 10)
        except ValueError:
            return value
    if t == "number":
        try:
            return float(value)
        except ValueError:
            return value
    if t == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def parse_json(data: bytes):
    """(value, error message)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"body is not UTF-8: {e}"
    try:
        return json.loads(text, parse_constant=_reject_constant), None
    except ValueError as e:
        return None, f"body is not valid JSON: {e}"


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def numeric_rules(value, where) -> list[Issue]:
    """Appendices, "Canonical JSON": integers in [-(2**53)+1, 2**53-1], no floats in events."""
    issues = []

    def walk(v, path):
        if isinstance(v, bool):
            return
        if isinstance(v, int) and abs(v) > _SAFE_INT:
            issues.append(Issue("M_BAD_JSON", path, f"integer {v} is outside ±(2**53-1)"))
        elif isinstance(v, float):
            issues.append(Issue("M_BAD_JSON", path,
                                f"{v} is a float; canonical JSON allows integers only"))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}.{i}")
    walk(value, where)
    return issues


def _html_rules(fragment: str, where: str):
    errors, notes = [], []
    p = _TagCollector()
    try:
        p.feed(fragment)
        p.close()
    except Exception as e:  # HTMLParser is lenient; this is belt and braces
        return [Issue("M_BAD_JSON", where, f"HTML does not parse: {e}")], notes
    for tag, attrs in p.tags:
        if tag in _HTML_DEPRECATED:
            notes.append(f"{where}: <{tag}> is deprecated")
        elif tag not in _HTML_TAGS:
            errors.append(Issue("M_BAD_JSON", where,
                                f"<{tag}> is not among the HTML tags clients render"))
            continue
        for name, value in attrs:
            if name not in _HTML_ATTRS.get(tag, set()):
                notes.append(f"{where}: attribute {name!r} on <{tag}> is not in the spec's list")
            elif tag == "img" and name == "src" and not (value or "").startswith("mxc://"):
                errors.append(Issue("M_BAD_JSON", where,
                                    "<img src> must be an mxc:// URI; clients do not load others"))
            elif tag == "a" and name == "href" and (value or "").strip().lower().startswith(
                    "javascript:"):
                errors.append(Issue("M_BAD_JSON", where, "javascript: links are not allowed"))
    return errors, notes


def _undeclared_keys(body, schema) -> list[str]:
    if not isinstance(body, dict) or not isinstance(schema, dict):
        return []
    props = schema.get("properties")
    if not isinstance(props, dict) or "additionalProperties" in schema or \
            "patternProperties" in schema:
        return []
    return [f"body.{k}: not a property the spec defines for this request (typo?)"
            for k in body if k not in props]
