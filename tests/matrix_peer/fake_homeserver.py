#!/usr/bin/python3
"""A scripted fake Matrix homeserver for the bot's tests; it validates what the bot sends.

    /usr/bin/python3 tests/matrix_peer/fake_homeserver.py [--registration reg.yaml]
        [--as-token T --hs-token T --appservice-url URL --sender-localpart NAME
         --user-namespace REGEX] [--user @bot:localhost=TOKEN ...] [--idle-timeout 120]

It binds 127.0.0.1 on an ephemeral port, prints `LISTENING <port>` on stdout, serves the
client-server endpoints a bot uses (in memory, one stream of events), records every request with
the validation errors spec.py finds, and takes its script through /_test/... (see README.md).
It stops after --idle-timeout seconds without a request, or on POST /_test/shutdown. It only ever
connects to the appservice URL it is given (expected to be on loopback).
"""

from __future__ import annotations

import argparse
import http.server
import json
import math
import re
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import spec as specmod  # noqa: E402
except ImportError as _e:
    sys.exit(f"fake_homeserver: {_e}: install Debian's python3-yaml and python3-jsonschema "
             "(scripts/install-deps.sh) and run /usr/bin/python3")

MAX_BODY = 64 * 1024 * 1024
VERSIONS = ["r0.6.1"] + [f"v1.{i}" for i in range(1, 13)]
DEFAULT_POWER = {"ban": 50, "events_default": 0, "invite": 0, "kick": 50, "redact": 50,
                 "state_default": 50, "users_default": 0,
                 "events": {"m.room.name": 50, "m.room.power_levels": 100,
                            "m.room.history_visibility": 100, "m.room.canonical_alias": 50,
                            "m.room.avatar": 50, "m.room.tombstone": 100,
                            "m.room.server_acl": 100, "m.room.encryption": 100}}
STRIPPED_TYPES = ("m.room.create", "m.room.name", "m.room.avatar", "m.room.topic",
                  "m.room.join_rules", "m.room.canonical_alias", "m.room.encryption")


def now_ms() -> int:
    return int(time.time() * 1000)


class HSError(Exception):
    """A spec-shaped error response."""

    def __init__(self, status, errcode, error, extra=None):
        super().__init__(error)
        self.status, self.body, self.headers = status, {"errcode": errcode, "error": error}, {}
        self.body.update(extra or {})


class Room:
    def __init__(self, room_id: str, open_room=False):
        self.room_id = room_id
        self.state: dict[tuple[str, str], dict] = {}
        self.events: list[dict] = []
        self.open = open_room  # made implicitly by a pushed transaction: no membership checks

    def membership(self, user):
        ev = self.state.get(("m.room.member", user))
        return ev["content"].get("membership") if ev else None

    def members(self, membership="join"):
        return [k[1] for k, ev in self.state.items()
                if k[0] == "m.room.member" and ev["content"].get("membership") == membership]

    @property
    def encrypted(self):
        return ("m.room.encryption", "") in self.state

    def power(self):
        ev = self.state.get(("m.room.power_levels", ""))
        return ev["content"] if ev else None

    def user_power(self, user):
        pl = self.power()
        if pl is None:
            create = self.state.get(("m.room.create", ""))
            return 100 if create and create["sender"] == user else 0
        return pl.get("users", {}).get(user, pl.get("users_default", 0))


class Homeserver:
    """All state and behaviour; HTTP plumbing is in Handler. One RLock guards everything."""

    def __init__(self, spec: specmod.Spec, cfg: dict):
        self.spec = spec
        self.cfg = {
            "server_name": "localhost", "as_token": None, "hs_token": None,
            "appservice_url": None, "appservice_id": "leernetwerk",
            "sender_localpart": "leernetwerk", "user_namespaces": [], "auto_push": False,
            "strict": True, "sync_timeline_limit": 10, "push_retry_ms": 200,
            "push_retry_max_ms": 2000, "push_timeout_s": 10, "max_sync_wait_ms": None,
            "legacy_push": False, "validate_responses": True, "room_version": "11",
        }
        self.cfg.update({k: v for k, v in cfg.items() if v is not None})
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.stopping = False
        self.pos = 0
        self.rooms: dict[str, Room] = {}
        self.aliases: dict[str, str] = {}
        self.meta: dict[str, dict] = {}  # event_id -> {pos, room, token, txn_id}
        self.users: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.account_data: dict[str, dict[str, tuple[dict, int]]] = {}
        self.room_account_data: dict[tuple[str, str], dict[str, tuple[dict, int]]] = {}
        self.filters: dict[str, list[dict]] = {}
        self.txns: dict[tuple, tuple[dict, str]] = {}
        self.sync_queue: dict[str, list[dict]] = {}
        self.custom_tokens: dict[str, int] = {}
        self.failures: list[dict] = []
        self.fail_seq = 0
        self.requests: list[dict] = []
        self.peer_errors: list[dict] = []
        self.transactions: list[dict] = []
        self.txn_counter = 0
        self.push_pending: list[dict] = []
        self.last_activity = time.monotonic()
        self._push_thread = threading.Thread(target=self._push_worker, daemon=True)
        self._push_thread.start()
        if self.cfg["as_token"]:
            self._ensure_user(self.sender())

    # ---- identities ----

    def sender(self):
        return f"@{self.cfg['sender_localpart']}:{self.cfg['server_name']}"

    def in_namespace(self, user_id):
        if user_id == self.sender():
            return True
        return any(re.fullmatch(rx, user_id) for rx in self.cfg["user_namespaces"])

    def _ensure_user(self, user_id, **fields):
        u = self.users.setdefault(user_id, {"displayname": None, "avatar_url": None,
                                            "password": None})
        u.update({k: v for k, v in fields.items() if v is not None})
        return u

    def add_user(self, user_id, access_token=None, password=None, displayname=None,
                 device_id=None):
        with self.lock:
            if not specmod.is_user_id(user_id):
                raise HSError(400, "M_INVALID_USERNAME", f"{user_id!r} is not a user ID")
            self._ensure_user(user_id, password=password, displayname=displayname)
            if access_token is None and password is None:
                access_token = "tok_" + secrets.token_hex(12)
            if access_token:
                self.tokens[access_token] = {"user_id": user_id,
                                             "device_id": device_id or "FAKE" + secrets.token_hex(
                                                 3).upper()}
            return access_token

    def authenticate(self, headers, query, op_secured, rec):
        """(user_id, token, is_appservice, device_id) or HSError."""
        token = None
        auth = headers.get("Authorization")
        if auth:
            scheme, _, value = auth.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise HSError(401, "M_MISSING_TOKEN", "Authorization must be 'Bearer <token>'")
            token = value.strip()
        elif "access_token" in query:
            token = query["access_token"][-1]
        if token is None:
            if op_secured:
                raise HSError(401, "M_MISSING_TOKEN", "Missing access token")
            return None, None, False, None
        if self.cfg["as_token"] and secrets.compare_digest(token, self.cfg["as_token"]):
            user = query.get("user_id", [self.sender()])[-1]
            if user != self.sender():
                if not self.in_namespace(user):
                    raise HSError(403, "M_FORBIDDEN",
                                  "Application service cannot masquerade as this user "
                                  f"({user}): not in its namespace")
                if user not in self.users:
                    raise HSError(403, "M_FORBIDDEN",
                                  f"Application service has not registered this user ({user})")
            device = query.get("device_id", [None])[-1]
            rec["user"] = user
            return user, token, True, device
        t = self.tokens.get(token)
        if t is None:
            raise HSError(401, "M_UNKNOWN_TOKEN", "Unknown access token", {"soft_logout": False})
        rec["user"] = t["user_id"]
        return t["user_id"], token, False, t["device_id"]

    # ---- events ----

    def _new_event_id(self):
        return "$" + secrets.token_urlsafe(32)

    def append(self, room: Room, sender, etype, content, state_key=None, ts=None,
               token=None, txn_id=None, event_id=None, extra=None, check_peer=True, push=True):
        """Add an event to a room (and the stream); returns the client-format event."""
        with self.lock:
            self.pos += 1
            ev = {"type": etype, "content": content, "sender": sender,
                  "event_id": event_id or self._new_event_id(),
                  "origin_server_ts": ts if ts is not None else now_ms(),
                  "room_id": room.room_id}
            if state_key is not None:
                ev["state_key"] = state_key
                prev = room.state.get((etype, state_key))
                if prev is not None:
                    ev["unsigned"] = {"replaces_state": prev["event_id"],
                                      "prev_content": prev["content"]}
            if extra:
                ev.update(extra)
            room.events.append(ev)
            if state_key is not None:
                room.state[(etype, state_key)] = ev
            self.meta[ev["event_id"]] = {"pos": self.pos, "room": room.room_id, "token": token,
                                         "txn_id": txn_id}
            if check_peer and self.cfg["validate_responses"]:
                errs = self.spec.validate_event(ev)
                if errs:
                    self.peer_errors.append({"what": f"generated event {etype}",
                                             "errors": [dict(e) for e in errs]})
            if push and self.cfg["auto_push"] and self.cfg["appservice_url"] and \
                    self._as_interested(room, ev):
                self.push_pending.append(ev)
            self.cond.notify_all()
            return ev

    def _as_interested(self, room, ev):
        if not self.cfg["as_token"]:
            return False
        if self.in_namespace(ev["sender"]):
            return True
        if ev["type"] == "m.room.member" and self.in_namespace(ev.get("state_key", "")):
            return True
        return any(self.in_namespace(u) for u in room.members("join"))

    def pos_of(self, ev):
        return self.meta[ev["event_id"]]["pos"]

    def new_room_id(self):
        return "!" + secrets.token_urlsafe(12).replace("-", "a").replace("_", "b") + ":" + \
            self.cfg["server_name"]

    def create_room(self, creator, *, room_id=None, preset="private_chat", name=None,
                    topic=None, invite=(), is_direct=False, initial_state=(), alias=None,
                    members=(), encrypted=False, join_rule=None, power_users=None,
                    creation_content=None, room_version=None):
        with self.lock:
            self._ensure_user(creator)
            rid = room_id or self.new_room_id()
            if rid in self.rooms:
                raise HSError(400, "M_ROOM_IN_USE", f"{rid} exists")
            room = self.rooms[rid] = Room(rid)
            version = room_version or self.cfg["room_version"]
            create = dict(creation_content or {})
            create["room_version"] = version
            if version in [str(i) for i in range(1, 11)]:
                create["creator"] = creator
            self.append(room, creator, "m.room.create", create, "")
            self.append(room, creator, "m.room.member", self._member(creator, "join"), creator)
            users = {creator: 100}
            if preset == "trusted_private_chat":
                users.update({u: 100 for u in invite})
            users.update(power_users or {})
            pl = json.loads(json.dumps(DEFAULT_POWER))
            pl["users"] = users
            self.append(room, creator, "m.room.power_levels", pl, "")
            if alias:
                self.aliases[alias] = rid
                self.append(room, creator, "m.room.canonical_alias", {"alias": alias}, "")
            jr = join_rule or ("public" if preset == "public_chat" else "invite")
            self.append(room, creator, "m.room.join_rules", {"join_rule": jr}, "")
            self.append(room, creator, "m.room.history_visibility",
                        {"history_visibility": "shared"}, "")
            for st in initial_state:
                self.append(room, creator, st["type"], st["content"], st.get("state_key", ""))
            if name is not None:
                self.append(room, creator, "m.room.name", {"name": name}, "")
            if topic is not None:
                self.append(room, creator, "m.room.topic", {"topic": topic}, "")
            if encrypted:
                self.append(room, creator, "m.room.encryption",
                            {"algorithm": "m.megolm.v1.aes-sha2"}, "")
            for m in members:
                if m != creator:
                    self._ensure_user(m)
                    self.append(room, m, "m.room.member", self._member(m, "join"), m)
            for u in invite:
                self._ensure_user(u)
                c = self._member(u, "invite")
                if is_direct:
                    c["is_direct"] = True
                self.append(room, creator, "m.room.member", c, u)
            return room

    def _member(self, user, membership):
        c = {"membership": membership}
        u = self.users.get(user) or {}
        if membership == "join" and isinstance(u.get("displayname"), str):
            c["displayname"] = u["displayname"]
        return c

    def room(self, room_id, user) -> Room:
        """A room the user has joined; like Synapse, 403 also for a room that does not exist."""
        room = self.rooms.get(room_id)
        if room is None or (not room.open and room.membership(user) != "join"):
            raise HSError(403, "M_FORBIDDEN", f"User {user} is not in room {room_id}")
        return room

    def _check_power(self, room, user, etype, state):
        if room.open:
            return
        pl = room.power()
        if pl is None:
            return
        need = pl.get("events", {}).get(etype,
                                        pl.get("state_default", 50) if state
                                        else pl.get("events_default", 0))
        if room.user_power(user) < need:
            raise HSError(403, "M_FORBIDDEN",
                          f"{user} needs power level {need} to send {etype} in {room.room_id}")

    # ---- sync ----

    def _token_pos(self, tok):
        if tok is None:
            return None
        if tok in self.custom_tokens:
            return self.custom_tokens[tok]
        m = re.fullmatch(r"[st](\d+)", tok)
        if not m:
            raise HSError(400, "M_INVALID_PARAM", f"Unknown pagination token {tok!r}")
        return int(m.group(1))

    def _client_event(self, ev, token, with_room_id):
        out = {k: v for k, v in ev.items() if with_room_id or k != "room_id"}
        meta = self.meta.get(ev["event_id"], {})
        if token is not None and meta.get("token") == token and meta.get("txn_id") is not None:
            out["unsigned"] = dict(out.get("unsigned") or {}, transaction_id=meta["txn_id"])
        return out

    @staticmethod
    def _type_match(t, patterns):
        return any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), t) for p in patterns)

    def _passes(self, ev, f):
        if not f:
            return True
        if "types" in f and not self._type_match(ev["type"], f["types"]):
            return False
        if self._type_match(ev["type"], f.get("not_types", [])):
            return False
        if "senders" in f and ev["sender"] not in f["senders"]:
            return False
        return ev["sender"] not in f.get("not_senders", [])

    def sync_body(self, user, token, since, full_state, filt, use_state_after=False):
        rf = (filt or {}).get("room") or {}
        tlf = rf.get("timeline") or {}
        limit = tlf.get("limit", self.cfg["sync_timeline_limit"])
        now = self.pos
        rooms = {"join": {}, "invite": {}, "leave": {}}
        for rid, room in self.rooms.items():
            if "rooms" in rf and rid not in rf["rooms"] or rid in rf.get("not_rooms", []):
                continue
            mem_ev = room.state.get(("m.room.member", user))
            if mem_ev is None:
                continue
            mpos, m = self.pos_of(mem_ev), mem_ev["content"].get("membership")
            if m == "invite":
                if since is None or mpos > since:
                    stripped = [{k: ev[k] for k in ("type", "state_key", "content", "sender")}
                                for key, ev in room.state.items()
                                if key[0] in STRIPPED_TYPES or key == ("m.room.member",
                                                                       mem_ev["sender"])]
                    stripped.append({k: mem_ev[k] for k in
                                     ("type", "state_key", "content", "sender")})
                    rooms["invite"][rid] = {"invite_state": {"events": stripped}}
                continue
            if m == "join":
                initial = since is None or full_state or mpos > since
                new = room.events if initial else [e for e in room.events
                                                   if self.pos_of(e) > since]
                shown = [e for e in new if self._passes(e, tlf)]
                tl = shown[-limit:] if limit > 0 else []
                limited = len(shown) > len(tl)
                start = self.pos_of(tl[0]) if tl else now + 1
                ad = self._ad_events(self.room_account_data.get((user, rid), {}),
                                     None if initial else since, rf.get("account_data"))
                if use_state_after:
                    source = room.events if initial else new
                else:
                    source = [e for e in (room.events if initial else new)
                              if self.pos_of(e) < start]
                latest = {}
                for e in source:
                    if "state_key" in e:
                        latest[(e["type"], e["state_key"])] = e
                if not (initial or tl or latest or ad):
                    continue
                entry = {"timeline": {"events": [self._client_event(e, token, False)
                                                 for e in tl],
                                      "limited": limited,
                                      "prev_batch": f"t{start - 1}"},
                         "account_data": {"events": ad}, "ephemeral": {"events": []},
                         "summary": {"m.joined_member_count": len(room.members("join")),
                                     "m.invited_member_count": len(room.members("invite"))},
                         "unread_notifications": {"highlight_count": 0,
                                                  "notification_count": 0}}
                state_events = [self._client_event(e, token, False) for e in latest.values()]
                entry["state_after" if use_state_after else "state"] = {"events": state_events}
                rooms["join"][rid] = entry
            elif m in ("leave", "ban") and since is not None and mpos > since:
                gone = [e for e in room.events if since < self.pos_of(e) <= mpos]
                rooms["leave"][rid] = {"timeline": {"events": [self._client_event(e, token, False)
                                                              for e in gone[-limit:]],
                                                   "limited": len(gone) > limit,
                                                   "prev_batch": f"t{since}"},
                                       "state": {"events": []}}
        body = {"next_batch": f"s{now}",
                "account_data": {"events": self._ad_events(self.account_data.get(user, {}),
                                                           None if since is None else since,
                                                           (filt or {}).get("account_data"))},
                "presence": {"events": []}}
        rooms = {k: v for k, v in rooms.items() if v}
        if rooms:
            body["rooms"] = rooms
        return body

    @staticmethod
    def _ad_events(store, since, f):
        out = []
        for t, (content, pos) in store.items():
            if since is not None and pos <= since:
                continue
            if f and "types" in f and not Homeserver._type_match(t, f["types"]):
                continue
            out.append({"type": t, "content": content})
        return out

    @staticmethod
    def _sync_empty(body):
        return not body.get("rooms") and not body["account_data"]["events"]

    def sync(self, user, token, q):
        filt = q.get("filter")
        if isinstance(filt, str):
            if filt.startswith("{"):
                try:
                    filt = json.loads(filt)
                except ValueError:
                    raise HSError(400, "M_NOT_JSON", "filter is not JSON")
            else:
                found = [f for i, f in enumerate(self.filters.get(user, [])) if str(i) == filt]
                if not found:
                    raise HSError(400, "M_INVALID_PARAM", f"No filter {filt!r} for {user}")
                filt = found[0]
        timeout = q.get("timeout", 0) if isinstance(q.get("timeout", 0), int) else 0
        cap = self.cfg["max_sync_wait_ms"]
        if cap is not None:
            timeout = min(timeout, cap)
        deadline = time.monotonic() + timeout / 1000.0
        with self.cond:
            since = self._token_pos(q.get("since"))
            while True:
                queue = self.sync_queue.get(user)
                if queue:
                    body = queue.pop(0)
                    body.setdefault("next_batch", f"s{self.pos}")
                    if not re.fullmatch(r"[st]\d+", body["next_batch"]):
                        self.custom_tokens[body["next_batch"]] = self.pos
                    return body
                body = self.sync_body(user, token, since, q.get("full_state") is True, filt,
                                      q.get("use_state_after") is True)
                left = deadline - time.monotonic()
                if since is None or not self._sync_empty(body) or left <= 0 or self.stopping:
                    return body
                self.cond.wait(min(left, 0.5))

    # ---- appservice pushes ----

    def _complete_event(self, ev):
        ev = dict(ev)
        if "room_id" not in ev or "type" not in ev or "sender" not in ev:
            raise HSError(400, "M_BAD_JSON", "pushed events need room_id, type and sender")
        ev.setdefault("content", {})
        ev.setdefault("event_id", self._new_event_id())
        ev.setdefault("origin_server_ts", now_ms())
        return ev

    def _store_pushed(self, ev):
        if ev["event_id"] in self.meta:
            return
        room = self.rooms.get(ev["room_id"])
        if room is None:
            room = self.rooms[ev["room_id"]] = Room(ev["room_id"], open_room=True)
        extra = {k: v for k, v in ev.items() if k not in ("type", "content", "sender",
                                                          "event_id", "origin_server_ts",
                                                          "room_id", "state_key")}
        self.append(room, ev["sender"], ev["type"], ev["content"], ev.get("state_key"),
                    ts=ev["origin_server_ts"], event_id=ev["event_id"], extra=extra or None,
                    check_peer=False, push=False)  # it is being pushed already

    def next_txn_id(self):
        with self.lock:
            self.txn_counter += 1
            return str(self.txn_counter)

    def deliver(self, txn_id, body, auth="header", token=None, legacy=None, origin="manual"):
        """PUT one transaction to the appservice; returns the log entry (never holds the lock)."""
        url = self.cfg["appservice_url"]
        if not url:
            raise HSError(400, "M_URL_NOT_SET", "no appservice_url configured")
        token = token if token is not None else self.cfg["hs_token"]
        legacy = self.cfg["legacy_push"] if legacy is None else legacy
        base = url.rstrip("/")
        path = "/transactions/" if legacy else "/_matrix/app/v1/transactions/"
        target = base + path + urllib.parse.quote(txn_id, safe="")
        headers = {"Content-Type": "application/json"}
        if auth in ("header", "both") and token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if auth in ("query", "both") and token is not None:
            target += "?access_token=" + urllib.parse.quote(token, safe="")
        data = json.dumps(body).encode()
        entry = {"txn_id": txn_id, "origin": origin, "url": target, "events": len(body["events"]),
                 "auth": auth, "time": time.time()}
        req = urllib.request.Request(target, data=data, method="PUT", headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=self.cfg["push_timeout_s"]) as r:
                entry["status"], raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            entry["status"], raw = e.code, e.read()
        except (OSError, urllib.error.URLError) as e:
            entry["status"], raw, entry["error"] = 0, b"", str(e)
        try:
            entry["body"] = json.loads(raw) if raw else None
        except ValueError:
            entry["body"] = raw.decode("utf-8", "replace")
        with self.lock:
            self.transactions.append(entry)
        return entry

    def push_transaction(self, req):
        """The control API's push: {events, ephemeral?, txn_id?, auth?, token?, legacy?}."""
        with self.lock:
            txn_id = str(req["txn_id"]) if req.get("txn_id") is not None else None
            if "events" not in req and txn_id is not None:
                old = [t for t in self.transactions if t["txn_id"] == txn_id and "sent" in t]
                if not old:
                    raise HSError(400, "M_BAD_JSON", f"no earlier transaction {txn_id}")
                body = old[-1]["sent"]
            else:
                events = [self._complete_event(e) for e in req.get("events", [])]
                body = {"events": events}
                if req.get("ephemeral") is not None:
                    body["ephemeral"] = req["ephemeral"]
                if req.get("store", True):
                    for ev in events:
                        self._store_pushed(ev)
            warnings = [dict(i) for i in self.spec.validate_transaction(body)]
            for n, ev in enumerate(body["events"]):
                warnings += [dict(i) for i in self.spec.validate_event(ev, where=f"events.{n}")]
        txn_id = txn_id or self.next_txn_id()
        if req.get("legacy"):
            # Synapse 1.67 also sent the old `age` and `user_id` beside the modern fields
            body = dict(body, events=[dict(e, user_id=e["sender"],
                                           age=max(0, now_ms() - e["origin_server_ts"]))
                                      for e in body["events"]])
        entry = self.deliver(txn_id, body, req.get("auth", "header"), req.get("token"),
                             req.get("legacy"), "manual")
        with self.lock:
            entry["sent"] = body
        return {"txn_id": txn_id, "status": entry["status"], "body": entry.get("body"),
                "error": entry.get("error"), "event_ids": [e["event_id"] for e in body["events"]],
                "schema_warnings": warnings}

    def _push_worker(self):
        """Auto-push: up to 100 events a transaction, in order; a failed one is retried with the
        same txnId and body after push_retry_ms, doubling up to push_retry_max_ms."""
        delay = None
        pending_txn = None
        while True:
            with self.cond:
                while not self.stopping and (not self.cfg["auto_push"] or
                                             not self.cfg["appservice_url"] or
                                             (pending_txn is None and not self.push_pending)):
                    if not self.cfg["auto_push"]:
                        pending_txn, delay, self.push_pending = None, None, []
                    self.cond.wait(0.5)
                if self.stopping:
                    return
                if pending_txn is None:
                    batch, self.push_pending = self.push_pending[:100], self.push_pending[100:]
                    self.txn_counter += 1
                    pending_txn = (str(self.txn_counter), {"events": batch})
            try:
                entry = self.deliver(pending_txn[0], pending_txn[1], origin="auto")
            except HSError:
                continue
            with self.lock:
                entry["sent"] = pending_txn[1]
            if 200 <= entry["status"] < 300:
                pending_txn, delay = None, None
                continue
            delay = self.cfg["push_retry_ms"] if delay is None else min(
                delay * 2, self.cfg["push_retry_max_ms"])
            until = time.monotonic() + delay / 1000.0
            with self.cond:
                while not self.stopping and time.monotonic() < until:
                    self.cond.wait(until - time.monotonic())

    # ---- failures ----

    def add_failure(self, rule):
        with self.lock:
            self.fail_seq += 1
            r = {"id": self.fail_seq, "path": rule.get("path", ".*"),
                 "method": rule.get("method"), "status": int(rule.get("status", 500)),
                 "count": int(rule.get("count", 1)), "errcode": rule.get("errcode"),
                 "error": rule.get("error"), "retry_after_ms": rule.get("retry_after_ms"),
                 "retry_after_header": rule.get("retry_after_header", True),
                 "retry_after_in_body": rule.get("retry_after_in_body", True),
                 "after_processing": bool(rule.get("after_processing", False)),
                 "drop": bool(rule.get("drop", False)), "hits": 0}
            re.compile(r["path"])
            self.failures.append(r)
            return r

    def take_failure(self, method, raw_path, decoded_path, after):
        with self.lock:
            for r in self.failures:
                if r["count"] == 0 or r["after_processing"] != after:
                    continue
                if r["method"] and r["method"].upper() != method:
                    continue
                if re.search(r["path"], raw_path) or re.search(r["path"], decoded_path):
                    if r["count"] > 0:
                        r["count"] -= 1
                    r["hits"] += 1
                    return r
        return None

    @staticmethod
    def failure_response(r):
        status = r["status"]
        if status == 429:
            ms = r["retry_after_ms"] if r["retry_after_ms"] is not None else 1000
            body = {"errcode": r["errcode"] or "M_LIMIT_EXCEEDED",
                    "error": r["error"] or "Too many requests"}
            if r["retry_after_in_body"]:
                body["retry_after_ms"] = ms
            headers = {"Retry-After": str(max(0, math.ceil(ms / 1000)))} \
                if r["retry_after_header"] else {}
            return status, body, headers
        return status, {"errcode": r["errcode"] or "M_UNKNOWN",
                        "error": r["error"] or f"Injected failure ({status})"}, {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHomeserver/1.0"
    hs: Homeserver = None  # set by main
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("fake_homeserver: " + fmt % args + "\n")

    def do_GET(self):
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_OPTIONS = do_GET

    # ---- plumbing ----

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
                if len(out) > MAX_BODY:
                    raise HSError(413, "M_TOO_LARGE", "body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise HSError(413, "M_TOO_LARGE", "body too large")
        return self.rfile.read(n) if n else b""

    def _send(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _dispatch(self):
        hs = self.hs
        hs.last_activity = time.monotonic()
        split = urllib.parse.urlsplit(self.path)
        raw_path = split.path
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        try:
            body = self._read_body()
        except HSError as e:
            self._send(e.status, e.body)
            return
        except (ValueError, OSError):
            self.close_connection = True
            return
        if raw_path.startswith("/_test/"):
            try:
                status, resp = Control(hs, self).handle(self.command, raw_path, query, body)
            except HSError as e:
                status, resp = e.status, e.body
            except Exception as e:  # a malformed script: tell the test what went wrong
                status, resp = 400, {"errcode": "M_BAD_JSON", "error": f"control API: {e!r}"}
            self._send(status, resp)
            hs.last_activity = time.monotonic()
            return
        self._client_server(raw_path, query, body)
        hs.last_activity = time.monotonic()

    def _client_server(self, raw_path, query, body):
        hs = self.hs
        decoded = urllib.parse.unquote(raw_path)
        as_used = bool(hs.cfg["as_token"]) and self._token(query) == hs.cfg["as_token"]
        check = hs.spec.validate_request(self.command, raw_path, query, body,
                                         self.headers.get("Content-Type"), as_used)
        parsed_body, err = specmod.parse_json(body) if body else (None, None)
        with hs.lock:
            rec = {"seq": len(hs.requests) + 1, "time": time.time(), "method": self.command,
                   "path": raw_path, "decoded_path": decoded,
                   "route": check.operation.operation_id if check.operation else None,
                   "path_params": check.path_params,
                   "query": {k: v[-1] if len(v) == 1 else v for k, v in query.items()},
                   "headers": dict(self.headers.items()),
                   "body": parsed_body if not err else body.decode("utf-8", "replace"),
                   "user": None, "errors": [dict(e) for e in check.errors],
                   "notes": list(check.notes), "injected": None, "status": None,
                   "response": None}
            hs.requests.append(rec)
        extra_headers = {}
        status, resp = None, None
        rule = hs.take_failure(self.command, raw_path, decoded, after=False)
        if rule is not None:
            rec["injected"] = rule["id"]
            if rule["drop"]:
                rec["status"] = 0
                self.close_connection = True
                return
            status, resp, extra_headers = hs.failure_response(rule)
        elif check.operation is None:
            status, resp = check.status, {"errcode": "M_UNRECOGNIZED",
                                          "error": "Unrecognized request: " + check.message()}
        elif check.errors and hs.cfg["strict"]:
            status, resp = 400, {"errcode": check.errcode(), "error": check.message()}
        else:
            try:
                status, resp = Client(hs, check, self.headers, query, rec).handle()
            except HSError as e:
                status, resp = e.status, e.body
                extra_headers = e.headers
            except Exception as e:  # a bug in the fake: say so instead of dropping the line
                status, resp = 500, {"errcode": "M_UNKNOWN", "error": f"fake homeserver: {e!r}"}
                with hs.lock:
                    hs.peer_errors.append({"seq": rec["seq"], "what": "exception",
                                           "errors": [repr(e)]})
            after = hs.take_failure(self.command, raw_path, decoded, after=True)
            if after is not None:
                rec["injected"] = after["id"]
                rec["processed_response"] = resp
                if after["drop"]:
                    rec["status"] = 0
                    self.close_connection = True
                    return
                status, resp, extra_headers = hs.failure_response(after)
            elif hs.cfg["validate_responses"] and check.operation is not None:
                errs = hs.spec.validate_response(check.operation, status, resp)
                if errs:
                    with hs.lock:
                        hs.peer_errors.append({"seq": rec["seq"], "what": f"response to "
                                               f"{check.operation.operation_id} {status}",
                                               "errors": [dict(e) for e in errs]})
        rec["status"], rec["response"] = status, resp
        self._send(status, resp, extra_headers)

    def _token(self, query):
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return query.get("access_token", [None])[-1]


class Client:
    """The client-server endpoints, one method per operationId the fake implements."""

    def __init__(self, hs: Homeserver, check: specmod.RequestCheck, headers, query, rec):
        self.hs, self.check, self.rec = hs, check, rec
        self.p, self.q, self.body = check.path_params, check.query, check.body
        with hs.lock:
            self.user, self.token, self.is_as, self.device = hs.authenticate(
                headers, query, check.operation.secured, rec)

    def handle(self):
        oid = self.check.operation.operation_id
        fn = getattr(self, "op_" + oid, None)
        if fn is None:
            self.rec["notes"].append(f"{oid} is in the spec but not implemented by the fake")
            raise HSError(404, "M_UNRECOGNIZED", f"{oid} is not implemented by the fake "
                                                 "homeserver")
        rb = self.check.operation.op.get("requestBody")
        if rb is not None and not isinstance(self.body, dict):  # reached only with --lenient
            if rb.get("required") or self.body is not None:
                raise HSError(400, "M_NOT_JSON", "Content not JSON.")
            self.body = {}
        with self.hs.lock:
            return fn()

    def _self_only(self, user_id, what):
        if user_id != self.user:
            raise HSError(403, "M_FORBIDDEN", f"Cannot {what} for other users")

    # -- discovery and account --

    def op_getVersions(self):
        return 200, {"versions": VERSIONS, "unstable_features": {}}

    def op_getCapabilities(self):
        return 200, {"capabilities": {
            "m.change_password": {"enabled": False},
            "m.room_versions": {"default": self.hs.cfg["room_version"],
                                "available": {str(i): "stable" for i in range(1, 12)}}}}

    def op_getTokenOwner(self):
        body = {"user_id": self.user, "is_guest": False}
        if self.device:
            body["device_id"] = self.device
        return 200, body

    def op_getLoginFlows(self):
        return 200, {"flows": [{"type": "m.login.password"},
                               {"type": "m.login.application_service"}]}

    def op_login(self):
        b = self.body
        ident = b.get("identifier") or {}
        user = ident.get("user") or b.get("user") or ""
        if user and not user.startswith("@"):
            user = f"@{user}:{self.hs.cfg['server_name']}"
        if b.get("type") == "m.login.application_service":
            if not self.is_as or not self.hs.in_namespace(user):
                raise HSError(403, "M_FORBIDDEN", "Not an application service user")
        elif b.get("type") == "m.login.password":
            u = self.hs.users.get(user)
            if not u or u.get("password") is None or u["password"] != b.get("password"):
                raise HSError(403, "M_FORBIDDEN", "Invalid username or password")
        else:
            raise HSError(400, "M_UNKNOWN", f"Unknown login type {b.get('type')!r}")
        device = b.get("device_id") or "FAKE" + secrets.token_hex(3).upper()
        token = "tok_" + secrets.token_hex(12)
        self.hs.tokens[token] = {"user_id": user, "device_id": device}
        return 200, {"user_id": user, "access_token": token, "device_id": device}

    def op_logout(self):
        if not self.is_as:
            self.hs.tokens.pop(self.token, None)
        return 200, {}

    def op_register(self):
        if not self.is_as:
            raise HSError(403, "M_FORBIDDEN", "Registration has been disabled")
        name = self.body.get("username") or ""
        user = f"@{name}:{self.hs.cfg['server_name']}"
        if not specmod.is_user_id(user):
            raise HSError(400, "M_INVALID_USERNAME", f"Invalid username {name!r}")
        if not self.hs.in_namespace(user):
            raise HSError(400, "M_EXCLUSIVE",
                          "Invalid user localpart for this application service")
        if user in self.hs.users:
            raise HSError(400, "M_USER_IN_USE", "User ID already taken.")
        self.hs._ensure_user(user)
        out = {"user_id": user}
        if not self.body.get("inhibit_login"):
            token = self.hs.add_user(user, device_id=self.body.get("device_id"))
            out.update(access_token=token, device_id=self.hs.tokens[token]["device_id"])
        return 200, out

    def op_getProfileField(self):
        key = self.p.get("keyName", "displayname")
        u = self.hs.users.get(self.p["userId"])
        if u is None or u.get(key) is None:
            raise HSError(404, "M_NOT_FOUND", "Profile field not found")
        return 200, {key: u[key]}

    def op_setProfileField(self):
        key = self.p["keyName"]
        self._self_only(self.p["userId"], "set the profile")
        if key not in self.body:
            raise HSError(400, "M_MISSING_PARAM", f"body must contain {key!r}")
        self.hs._ensure_user(self.user)[key] = self.body[key]
        return 200, {}

    def op_getUserProfile(self):
        u = self.hs.users.get(self.p["userId"])
        if u is None:
            raise HSError(404, "M_NOT_FOUND", "Profile not found")
        return 200, {k: u[k] for k in ("displayname", "avatar_url") if u.get(k) is not None}

    # -- filters and sync --

    def op_defineFilter(self):
        self._self_only(self.p["userId"], "create filters")
        fl = self.hs.filters.setdefault(self.user, [])
        fl.append(self.body)
        return 200, {"filter_id": str(len(fl) - 1)}

    def op_getFilter(self):
        self._self_only(self.p["userId"], "get filters")
        fl = self.hs.filters.get(self.user, [])
        i = self.p["filterId"]
        if not i.isdigit() or int(i) >= len(fl):
            raise HSError(404, "M_NOT_FOUND", "No such filter")
        return 200, fl[int(i)]

    def op_sync(self):
        # sync waits on the condition, which releases the lock while waiting
        return 200, self.hs.sync(self.user, self.token, self.q)

    # -- rooms --

    def op_createRoom(self):
        b = self.body
        alias = None
        if b.get("room_alias_name"):
            alias = f"#{b['room_alias_name']}:{self.hs.cfg['server_name']}"
            if alias in self.hs.aliases:
                raise HSError(400, "M_ROOM_IN_USE", "Room alias already taken")
        preset = b.get("preset") or ("public_chat" if b.get("visibility") == "public"
                                     else "private_chat")
        room = self.hs.create_room(self.user, preset=preset, name=b.get("name"),
                                   topic=b.get("topic"), invite=b.get("invite") or [],
                                   is_direct=bool(b.get("is_direct")),
                                   initial_state=b.get("initial_state") or [], alias=alias,
                                   creation_content=b.get("creation_content"),
                                   room_version=b.get("room_version"))
        return 200, {"room_id": room.room_id}

    def _join(self, room_id):
        room = self.hs.rooms.get(room_id)
        if room is None:
            raise HSError(404, "M_NOT_FOUND", f"No known servers for {room_id}")
        m = room.membership(self.user)
        if m == "join":
            return 200, {"room_id": room_id}
        if m == "ban":
            raise HSError(403, "M_FORBIDDEN", "You are banned from this room")
        jr = room.state.get(("m.room.join_rules", ""))
        public = jr is not None and jr["content"].get("join_rule") == "public"
        if m != "invite" and not public and not room.open:
            raise HSError(403, "M_FORBIDDEN", "You are not invited to this room.")
        c = self.hs._member(self.user, "join")
        if self.body and isinstance(self.body.get("reason"), str):
            c["reason"] = self.body["reason"]
        self.hs.append(room, self.user, "m.room.member", c, self.user, token=self.token)
        return 200, {"room_id": room_id}

    def op_joinRoomById(self):
        return self._join(self.p["roomId"])

    def op_joinRoom(self):
        target = self.p["roomIdOrAlias"]
        if target.startswith("#"):
            if target not in self.hs.aliases:
                raise HSError(404, "M_NOT_FOUND", f"Room alias {target} not found")
            target = self.hs.aliases[target]
        elif not target.startswith("!"):
            raise HSError(400, "M_INVALID_PARAM", f"{target!r} is neither a room ID nor alias")
        return self._join(target)

    def op_leaveRoom(self):
        room = self.hs.rooms.get(self.p["roomId"])
        if room is None or room.membership(self.user) not in ("join", "invite"):
            raise HSError(403, "M_FORBIDDEN", "You are not in this room")
        self.hs.append(room, self.user, "m.room.member", {"membership": "leave"}, self.user,
                       token=self.token)
        return 200, {}

    def op_inviteUser(self):
        room = self.hs.room(self.p["roomId"], self.user)
        target = self.body.get("user_id")
        if room.membership(target) == "join":
            raise HSError(403, "M_FORBIDDEN", f"{target} is already in the room.")
        self.hs._ensure_user(target)
        c = {"membership": "invite"}
        if self.body.get("reason"):
            c["reason"] = self.body["reason"]
        self.hs.append(room, self.user, "m.room.member", c, target, token=self.token)
        return 200, {}

    def op_getJoinedRooms(self):
        return 200, {"joined_rooms": [rid for rid, r in self.hs.rooms.items()
                                      if r.membership(self.user) == "join"]}

    def op_getJoinedMembersByRoom(self):
        room = self.hs.room(self.p["roomId"], self.user)
        joined = {}
        for u in room.members("join"):
            c = room.state[("m.room.member", u)]["content"]
            joined[u] = {k2: c[k1] for k1, k2 in (("displayname", "display_name"),
                                                  ("avatar_url", "avatar_url"))
                         if isinstance(c.get(k1), str)}
        return 200, {"joined": joined}

    def op_getMembersByRoom(self):
        room = self.hs.room(self.p["roomId"], self.user)
        chunk = [ev for k, ev in room.state.items() if k[0] == "m.room.member"]
        if "membership" in self.q:
            chunk = [e for e in chunk if e["content"].get("membership") == self.q["membership"]]
        return 200, {"chunk": chunk}

    def op_getRoomState(self):
        room = self.hs.room(self.p["roomId"], self.user)
        return 200, list(room.state.values())

    def op_getRoomStateWithKey(self):
        room = self.hs.room(self.p["roomId"], self.user)
        ev = room.state.get((self.p["eventType"], self.p.get("stateKey", "")))
        if ev is None:
            raise HSError(404, "M_NOT_FOUND", "Event not found.")
        return 200, ev["content"] if self.q.get("format") != "event" else ev

    def op_getOneRoomEvent(self):
        room = self.hs.room(self.p["roomId"], self.user)
        for ev in room.events:
            if ev["event_id"] == self.p["eventId"]:
                return 200, self.hs._client_event(ev, self.token, True)
        raise HSError(404, "M_NOT_FOUND", "Event not found.")

    def _txn(self, kind, fn):
        key = (self.token, self.user, self.rec["decoded_path"])
        digest = specmod.canonical_json(self.body)
        if key in self.hs.txns:
            resp, old = self.hs.txns[key]
            self.rec["notes"].append("transaction id seen before: answered with the "
                                     "earlier event id")
            self.rec["txn_replay"] = True
            if old != digest:
                self.rec["errors"].append(dict(specmod.Issue(
                    "M_INVALID_PARAM", "path.txnId",
                    "txnId reused with a different body; a homeserver answers with the earlier "
                    "event and drops this content")))
            return 200, resp
        resp = fn()
        self.hs.txns[key] = (resp, digest)
        return 200, resp

    def _note_encrypted(self, room, etype):
        if room.encrypted and etype not in ("m.room.encrypted", "m.reaction"):
            self.rec["notes"].append(f"plaintext {etype} sent into encrypted room "
                                     f"{room.room_id}")

    def op_sendMessage(self):
        room = self.hs.room(self.p["roomId"], self.user)
        etype = self.p["eventType"]

        def send():
            self._check_send(room, etype)
            self._note_encrypted(room, etype)
            ev = self.hs.append(room, self.user, etype, self.body, ts=self.q.get("ts"),
                                token=self.token, txn_id=self.p["txnId"])
            return {"event_id": ev["event_id"]}
        return self._txn("send", send)

    def _check_send(self, room, etype):
        self.hs._check_power(room, self.user, etype, state=False)
        rel = self.body.get("m.relates_to") if isinstance(self.body, dict) else None
        if isinstance(rel, dict) and rel.get("rel_type") == "m.annotation":
            for ev in room.events:
                r = ev["content"].get("m.relates_to") or {}
                if ev["sender"] == self.user and ev["type"] == etype and \
                        r.get("rel_type") == "m.annotation" and \
                        r.get("event_id") == rel.get("event_id") and \
                        r.get("key") == rel.get("key") and \
                        not (ev.get("unsigned") or {}).get("redacted_because"):
                    raise HSError(400, "M_DUPLICATE_ANNOTATION",
                                  "Can't send same reaction twice")

    def op_setRoomStateWithKey(self):
        room = self.hs.room(self.p["roomId"], self.user)
        etype, key = self.p["eventType"], self.p.get("stateKey", "")
        self.hs._check_power(room, self.user, etype, state=True)
        ev = self.hs.append(room, self.user, etype, self.body, key, ts=self.q.get("ts"),
                            token=self.token)
        return 200, {"event_id": ev["event_id"]}

    def op_redactEvent(self):
        room = self.hs.room(self.p["roomId"], self.user)
        target = next((e for e in room.events if e["event_id"] == self.p["eventId"]), None)

        def redact():
            if target is None:
                raise HSError(404, "M_NOT_FOUND", "Event not found.")
            if target["sender"] != self.user and not room.open and \
                    room.user_power(self.user) < (room.power() or {}).get("redact", 50):
                raise HSError(403, "M_FORBIDDEN", "You may not redact this event")
            content = {"redacts": target["event_id"]}
            if isinstance(self.body.get("reason"), str):
                content["reason"] = self.body["reason"]
            ev = self.hs.append(room, self.user, "m.room.redaction", content, token=self.token,
                                txn_id=self.p["txnId"])
            keep = {"m.room.member": ("membership",), "m.room.create": tuple(
                target["content"]), "m.room.join_rules": ("join_rule",)}.get(target["type"], ())
            target["content"] = {k: v for k, v in target["content"].items() if k in keep}
            target["unsigned"] = dict(target.get("unsigned") or {}, redacted_because={
                k: v for k, v in ev.items()})
            return {"event_id": ev["event_id"]}
        return self._txn("redact", redact)

    def op_getRoomEvents(self):
        room = self.hs.room(self.p["roomId"], self.user)
        d = self.q.get("dir", "b")
        limit = self.q.get("limit") if isinstance(self.q.get("limit"), int) else 10
        frm = self.hs._token_pos(self.q.get("from"))
        to = self.hs._token_pos(self.q.get("to"))
        try:
            filt = json.loads(self.q["filter"]) if isinstance(self.q.get("filter"), str) else None
        except ValueError:
            raise HSError(400, "M_NOT_JSON", "filter is not JSON")
        evs = [(self.hs.pos_of(e), e) for e in room.events]
        if d == "b":
            start = frm if frm is not None else self.hs.pos
            cand = [(p, e) for p, e in reversed(evs) if p <= start and (to is None or p > to)]
        else:
            start = frm if frm is not None else 0
            cand = [(p, e) for p, e in evs if p > start and (to is None or p <= to)]
        cand = [(p, e) for p, e in cand if self.hs._passes(e, filt)]
        chunk = cand[:limit]
        out = {"start": self.q.get("from") or f"t{start}",
               "chunk": [self.hs._client_event(e, self.token, True) for _, e in chunk]}
        if len(cand) > len(chunk) and chunk:
            last = chunk[-1][0]
            out["end"] = f"t{last - 1}" if d == "b" else f"t{last}"
        return 200, out

    def _relations(self, rel_type=None, event_type=None):
        room = self.hs.room(self.p["roomId"], self.user)
        parent = self.p["eventId"]
        kids = [e for e in room.events
                if (e["content"].get("m.relates_to") or {}).get("event_id") == parent
                and (rel_type is None or e["content"]["m.relates_to"].get("rel_type") == rel_type)
                and (event_type is None or e["type"] == event_type)
                and not (e.get("unsigned") or {}).get("redacted_because")]
        if self.q.get("dir", "b") == "b":
            kids.reverse()
        offset = 0
        if isinstance(self.q.get("from"), str):
            m = re.fullmatch(r"r(\d+)", self.q["from"])
            if not m:
                raise HSError(400, "M_INVALID_PARAM", "Unknown pagination token")
            offset = int(m.group(1))
        limit = self.q.get("limit") if isinstance(self.q.get("limit"), int) else 50
        chunk = kids[offset:offset + limit]
        out = {"chunk": [self.hs._client_event(e, self.token, True) for e in chunk]}
        if offset + limit < len(kids):
            out["next_batch"] = f"r{offset + limit}"
        return 200, out

    def op_getRelatingEvents(self):
        return self._relations()

    def op_getRelatingEventsWithRelType(self):
        return self._relations(self.p["relType"])

    def op_getRelatingEventsWithRelTypeAndEventType(self):
        return self._relations(self.p["relType"], self.p["eventType"])

    def op_setTyping(self):
        self._self_only(self.p["userId"], "set typing")
        self.hs.room(self.p["roomId"], self.user)
        return 200, {}

    def op_postReceipt(self):
        self.hs.room(self.p["roomId"], self.user)
        return 200, {}

    def op_setReadMarker(self):
        self.hs.room(self.p["roomId"], self.user)
        return 200, {}

    # -- account data --

    def _ad_store(self, room_id=None):
        self._self_only(self.p["userId"], "access account data")
        if room_id is None:
            return self.hs.account_data.setdefault(self.user, {})
        self.hs.room(room_id, self.user)
        return self.hs.room_account_data.setdefault((self.user, room_id), {})

    def op_getAccountData(self):
        store = self._ad_store()
        if self.p["type"] not in store:
            raise HSError(404, "M_NOT_FOUND", "Account data not found")
        return 200, store[self.p["type"]][0]

    def op_setAccountData(self):
        self.hs.pos += 1
        self._ad_store()[self.p["type"]] = (self.body, self.hs.pos)
        self.hs.cond.notify_all()
        return 200, {}

    def op_getAccountDataPerRoom(self):
        store = self._ad_store(self.p["roomId"])
        if self.p["type"] not in store:
            raise HSError(404, "M_NOT_FOUND", "Account data not found")
        return 200, store[self.p["type"]][0]

    def op_setAccountDataPerRoom(self):
        store = self._ad_store(self.p["roomId"])
        self.hs.pos += 1
        store[self.p["type"]] = (self.body, self.hs.pos)
        self.hs.cond.notify_all()
        return 200, {}

    # -- appservice --

    def op_pingAppservice(self):
        hs = self.hs
        if not self.is_as or self.p["appserviceId"] != hs.cfg["appservice_id"]:
            raise HSError(403, "M_FORBIDDEN", "Provided access token is not the "
                                              f"appservice {self.p['appserviceId']!r}'s")
        url = hs.cfg["appservice_url"]
        if not url:
            raise HSError(400, "M_URL_NOT_SET", "The appservice has no URL configured")
        data = {}
        if self.body and "transaction_id" in self.body:
            data["transaction_id"] = self.body["transaction_id"]
        req = urllib.request.Request(url.rstrip("/") + "/_matrix/app/v1/ping",
                                     data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {hs.cfg['hs_token']}"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        started = time.monotonic()
        hs.lock.release()  # never hold the lock while the bot is being called
        try:
            with opener.open(req, timeout=hs.cfg["push_timeout_s"]) as r:
                r.read()
        except urllib.error.HTTPError as e:
            raise HSError(502, "M_BAD_STATUS", f"The appservice returned {e.code}",
                          {"status": e.code, "body": e.read().decode("utf-8", "replace")})
        except socket.timeout:
            raise HSError(504, "M_CONNECTION_TIMEOUT", "The appservice did not answer")
        except (OSError, urllib.error.URLError) as e:
            raise HSError(502, "M_CONNECTION_FAILED", f"Could not reach the appservice: {e}")
        finally:
            hs.lock.acquire()
        return 200, {"duration_ms": int((time.monotonic() - started) * 1000)}


class Control:
    """The /_test/ API the test drives (no validation, no auth: loopback only)."""

    def __init__(self, hs: Homeserver, handler: Handler):
        self.hs, self.handler = hs, handler

    def handle(self, method, raw_path, query, body):
        path = urllib.parse.unquote(raw_path)[len("/_test/"):]
        data = json.loads(body) if body else {}
        hs = self.hs
        q = {k: v[-1] for k, v in query.items()}
        routes = {
            ("GET", "health"): lambda: {"ok": True, "port": self.handler.server.server_port},
            ("GET", "requests"): lambda: self._requests(q),
            ("GET", "errors"): self._errors,
            ("POST", "requests/clear"): self._clear_requests,
            ("GET", "peer_errors"): lambda: {"count": len(hs.peer_errors),
                                             "errors": hs.peer_errors},
            ("POST", "config"): lambda: self._config(data),
            ("GET", "config"): lambda: {k: v for k, v in hs.cfg.items()},
            ("POST", "users"): lambda: self._users(data),
            ("POST", "rooms"): lambda: self._rooms(data),
            ("POST", "room_event"): lambda: self._room_event(data),
            ("POST", "account_data"): lambda: self._account_data(data),
            ("POST", "sync"): lambda: self._sync(data),
            ("POST", "fail"): lambda: hs.add_failure(data),
            ("GET", "fail"): lambda: {"rules": hs.failures},
            ("POST", "fail/clear"): self._clear_failures,
            ("POST", "push_transaction"): lambda: hs.push_transaction(data),
            ("GET", "transactions"): lambda: {"transactions": [
                {k: v for k, v in t.items() if k != "sent" or q.get("bodies")}
                for t in hs.transactions]},
            ("POST", "shutdown"): self._shutdown,
        }
        fn = routes.get((method, path))
        if fn is None and method == "GET" and path.startswith("rooms/"):
            return 200, self._room_dump(path[len("rooms/"):])
        if fn is None:
            raise HSError(404, "M_UNRECOGNIZED", f"no control endpoint {method} /_test/{path}")
        if path == "push_transaction":
            return 200, fn()  # must not hold the lock while the bot is called
        with hs.lock:
            return 200, fn()

    def _requests(self, q):
        since = int(q.get("since", 0))
        reqs = [r for r in self.hs.requests if r["seq"] > since]
        if q.get("errors_only"):
            reqs = [r for r in reqs if r["errors"]]
        if q.get("route"):
            reqs = [r for r in reqs if r["route"] == q["route"]]
        return {"count": len(reqs), "requests": reqs}

    def _errors(self):
        bad = [{"seq": r["seq"], "method": r["method"], "path": r["decoded_path"],
                "errors": r["errors"]} for r in self.hs.requests if r["errors"]]
        return {"count": len(bad), "requests": bad}

    def _clear_requests(self):
        self.hs.requests.clear()
        return {}

    def _clear_failures(self):
        self.hs.failures.clear()
        return {}

    def _config(self, data):
        known = set(self.hs.cfg)
        unknown = set(data) - known
        if unknown:
            raise HSError(400, "M_BAD_JSON", f"unknown config keys {sorted(unknown)}")
        self.hs.cfg.update(data)
        if self.hs.cfg["as_token"]:
            self.hs._ensure_user(self.hs.sender())
        self.hs.cond.notify_all()
        return dict(self.hs.cfg)

    def _users(self, data):
        token = self.hs.add_user(data["user_id"], data.get("access_token"), data.get("password"),
                                 data.get("displayname"), data.get("device_id"))
        return {"user_id": data["user_id"], "access_token": token}

    def _rooms(self, data):
        creator = data.get("creator") or (data.get("members") or [None])[0] or \
            f"@admin:{self.hs.cfg['server_name']}"
        room = self.hs.create_room(
            creator, room_id=data.get("room_id"), preset=data.get("preset", "private_chat"),
            name=data.get("name"), topic=data.get("topic"), invite=data.get("invite", []),
            is_direct=bool(data.get("is_direct")), alias=data.get("alias"),
            members=data.get("members", []), encrypted=bool(data.get("encrypted")),
            join_rule=data.get("join_rule"), power_users=data.get("power_levels"))
        return {"room_id": room.room_id, "event_ids": [e["event_id"] for e in room.events]}

    def _room_event(self, data):
        room = self.hs.rooms.get(data["room_id"])
        if room is None:
            raise HSError(404, "M_NOT_FOUND", f"no room {data['room_id']}")
        self.hs._ensure_user(data["sender"])
        warnings, _ = self.hs.spec.validate_event_content(data["type"], data.get("content", {}),
                                                          data.get("state_key"))
        ev = self.hs.append(room, data["sender"], data["type"], data.get("content", {}),
                            data.get("state_key"), ts=data.get("origin_server_ts"),
                            check_peer=False)
        return {"event": ev, "schema_warnings": [dict(w) for w in warnings]}

    def _account_data(self, data):
        self.hs.pos += 1
        if data.get("room_id"):
            store = self.hs.room_account_data.setdefault((data["user_id"], data["room_id"]), {})
        else:
            store = self.hs.account_data.setdefault(data["user_id"], {})
        store[data["type"]] = (data["content"], self.hs.pos)
        self.hs.cond.notify_all()
        return {}

    def _sync(self, data):
        responses = data.get("responses") or [data["response"]]
        op = self.hs.spec.operation("sync")
        warnings = []
        for r in responses:
            probe = dict(r)
            probe.setdefault("next_batch", "s0")
            warnings += [dict(i) for i in self.hs.spec.validate_response(op, 200, probe)]
        self.hs.sync_queue.setdefault(data["user_id"], []).extend(responses)
        self.hs.cond.notify_all()
        return {"queued": len(self.hs.sync_queue[data["user_id"]]),
                "schema_warnings": warnings}

    def _room_dump(self, room_id):
        room = self.hs.rooms.get(room_id)
        if room is None:
            raise HSError(404, "M_NOT_FOUND", f"no room {room_id}")
        return {"room_id": room_id, "encrypted": room.encrypted,
                "members": {u: room.membership(u) for k, _ in room.state.items()
                            if k[0] == "m.room.member" for u in [k[1]]},
                "state": list(room.state.values()), "timeline": room.events}

    def _shutdown(self):
        threading.Thread(target=stop_server, args=(self.hs, self.handler.server),
                         daemon=True).start()
        return {"stopping": True}


def stop_server(hs: Homeserver, server):
    with hs.cond:
        hs.stopping = True
        hs.cond.notify_all()
    server.shutdown()


def _watchdog(hs: Homeserver, server, idle):
    while not hs.stopping:
        time.sleep(0.25)
        if time.monotonic() - hs.last_activity > idle:
            sys.stderr.write(f"fake_homeserver: idle for {idle:g} s, stopping\n")
            stop_server(hs, server)
            return


def load_registration(path):
    import yaml
    with open(path, encoding="utf-8") as fh:
        reg = yaml.safe_load(fh)
    return {"appservice_id": reg.get("id"), "appservice_url": reg.get("url"),
            "as_token": reg.get("as_token"), "hs_token": reg.get("hs_token"),
            "sender_localpart": reg.get("sender_localpart"),
            "user_namespaces": [n["regex"] for n in (reg.get("namespaces") or {}).get(
                "users") or []]}



class QuietServer(http.server.ThreadingHTTPServer):
    """A client that hangs up mid-answer (a bot stopping during a long /sync) is normal here."""

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--server-name", default="localhost")
    ap.add_argument("--registration", help="appservice registration YAML the bot also reads")
    ap.add_argument("--as-token")
    ap.add_argument("--hs-token")
    ap.add_argument("--appservice-url")
    ap.add_argument("--appservice-id")
    ap.add_argument("--sender-localpart")
    ap.add_argument("--user-namespace", action="append", default=[])
    ap.add_argument("--user", action="append", default=[], metavar="@USER:SERVER=TOKEN",
                    help="a user and its access token (bot-account mode)")
    ap.add_argument("--auto-push", action="store_true",
                    help="push room events to the appservice as a homeserver would")
    ap.add_argument("--lenient", action="store_true",
                    help="record validation errors but still process the request")
    ap.add_argument("--idle-timeout", type=float, default=120.0)
    ap.add_argument("--spec-dir", help="matrix-spec data/ folder (default: $MATRIX_SPEC_DIR or "
                                       "<repo>/../shared/matrix-spec/data)")
    ap.add_argument("--stop-on-stdin-eof", action="store_true",
                    help="stop when stdin closes (give it a pipe, so it dies with its parent)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)

    cfg = load_registration(a.registration) if a.registration else {}
    cfg.update({k: v for k, v in {
        "server_name": a.server_name, "as_token": a.as_token, "hs_token": a.hs_token,
        "appservice_url": a.appservice_url, "appservice_id": a.appservice_id,
        "sender_localpart": a.sender_localpart}.items() if v is not None})
    if a.user_namespace:
        cfg["user_namespaces"] = a.user_namespace
    cfg["auto_push"] = a.auto_push
    cfg["strict"] = not a.lenient
    try:
        spec = specmod.Spec(a.spec_dir)
    except FileNotFoundError as e:
        sys.stderr.write(f"fake_homeserver: {e}\n")
        return 2
    hs = Homeserver(spec, cfg)
    for u in a.user:
        user, _, token = u.partition("=")
        hs.add_user(user, token or None)

    Handler.hs, Handler.verbose = hs, a.verbose
    server = QuietServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=_watchdog, args=(hs, server, a.idle_timeout), daemon=True).start()
    if a.stop_on_stdin_eof:
        def _stdin():
            while sys.stdin.buffer.read(4096):
                pass
            stop_server(hs, server)
        threading.Thread(target=_stdin, daemon=True).start()
    print(f"LISTENING {server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        with hs.cond:
            hs.stopping = True
            hs.cond.notify_all()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
