#!/usr/bin/python3
"""Self-tests of the fake homeserver: it answers like a homeserver and validates like the spec.

    /usr/bin/python3 -m unittest -v tests.matrix_peer.test_fake_homeserver   (from the repo root)
    /usr/bin/python3 tests/matrix_peer/test_fake_homeserver.py -v
Skips (exit code 0 with unittest, "skipped" in the output) when the spec data is missing.
"""

from __future__ import annotations

import http.client
import http.server
import json
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
try:
    import spec as specmod  # noqa: E402
except ImportError as e:  # yaml or jsonschema missing
    sys.exit(f"{e}: install Debian's python3-yaml and python3-jsonschema "
             "(scripts/install-deps.sh) and run /usr/bin/python3")

AS_TOKEN, HS_TOKEN, BOT_TOKEN, ALICE_TOKEN = "as-secret", "hs-secret", "bot-token", "alice-token"
BOT, ALICE, BOB = "@bot:localhost", "@alice:localhost", "@bob:localhost"
AS_BOT = "@leernetwerk:localhost"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="")


def start_peer(*args, spec_dir=None):
    cmd = [sys.executable, str(HERE / "fake_homeserver.py"), *args]
    if spec_dir:
        cmd += ["--spec-dir", str(spec_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("LISTENING "):
        proc.kill()
        raise RuntimeError("fake homeserver did not start: " + line + proc.stderr.read())
    return proc, int(line.split()[1])


class Receiver:
    """A tiny appservice: records what the homeserver pushes; answers from a list of statuses."""

    def __init__(self, on_transaction=None):
        self.received: list[dict] = []
        self.statuses: list[int] = []
        self.on_transaction = on_transaction
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_PUT(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"null")
                outer.received.append({"method": "PUT", "path": self.path,
                                       "headers": dict(self.headers.items()), "body": body})
                status = outer.statuses.pop(0) if outer.statuses else 200
                if status == 200 and outer.on_transaction:
                    outer.on_transaction(body)
                data = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


SPEC_DIR = specmod.find_spec_dir()


@unittest.skipIf(SPEC_DIR is None, "Matrix spec data not found: set MATRIX_SPEC_DIR or put "
                                   "matrix-spec/data at <repo>/../shared/matrix-spec/data")
class FakeHomeserverTest(unittest.TestCase):
    proc = None

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port = start_peer(
            "--as-token", AS_TOKEN, "--hs-token", HS_TOKEN, "--sender-localpart", "leernetwerk",
            "--user-namespace", "@_lnw_.*:localhost", "--user", f"{BOT}={BOT_TOKEN}",
            "--user", f"{ALICE}={ALICE_TOKEN}", "--idle-timeout", "60", spec_dir=SPEC_DIR)
        cls.base = f"http://127.0.0.1:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        if cls.proc:
            try:
                cls.call("POST", "/_test/shutdown")
            except OSError:
                pass
            try:
                cls.proc.wait(5)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
            cls.proc.stdout.close()
            cls.proc.stderr.close()

    def setUp(self):
        self.call("POST", "/_test/fail/clear")
        self.call("POST", "/_test/config", {"auto_push": False, "strict": True,
                                            "appservice_url": None, "sync_timeline_limit": 10})
        self.seq = self.call("GET", "/_test/requests")[1]["count"]
        self.peer_errors = self.call("GET", "/_test/peer_errors")[1]["count"]

    def tearDown(self):
        # the fake's own responses and generated events must match the spec too
        status, body, _ = self.call("GET", "/_test/peer_errors")
        new = body["errors"][self.peer_errors:]
        self.assertEqual(new, [], json.dumps(new, indent=1)[:3000])

    # ---- helpers ----

    @classmethod
    def call(cls, method, path, body=None, token=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else None)
        h = {"Content-Type": "application/json"} if data is not None else {}
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        req = urllib.request.Request(cls.base + path, data=data, method=method, headers=h)
        try:
            with NO_PROXY.open(req, timeout=15) as r:
                text = r.read()
                return r.status, json.loads(text) if text else None, dict(r.headers.items())
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None, dict(e.headers.items())

    def room(self, members=(BOT, ALICE), **kw):
        body = {"members": list(members), **kw}
        return self.call("POST", "/_test/rooms", body)[1]["room_id"]

    def send(self, room_id, content, txn, etype="m.room.message", token=BOT_TOKEN, query=""):
        return self.call("PUT", f"/_matrix/client/v3/rooms/{q(room_id)}/send/{etype}/{txn}"
                         + query, content, token)

    def dump(self, room_id):
        return self.call("GET", f"/_test/rooms/{q(room_id)}")[1]

    def requests(self):
        return self.call("GET", f"/_test/requests?since={self.seq}")[1]["requests"]

    # ---- sending and validation ----

    def test_valid_notice_gets_an_event_id_and_the_same_txn_id_the_same_one(self):
        r = self.room()
        notice = {"msgtype": "m.notice", "body": "Welkom *Alice*",
                  "format": "org.matrix.custom.html", "formatted_body": "Welkom <b>Alice</b>",
                  "m.mentions": {"user_ids": [ALICE]}}
        s1, b1, _ = self.send(r, notice, "txn-1")
        self.assertEqual(s1, 200, b1)
        self.assertRegex(b1["event_id"], r"^\$")
        s2, b2, _ = self.send(r, notice, "txn-1")
        self.assertEqual((s2, b2["event_id"]), (200, b1["event_id"]))
        mine = [e for e in self.dump(r)["timeline"] if e["sender"] == BOT
                and e["type"] == "m.room.message"]
        self.assertEqual(len(mine), 1)
        recs = self.requests()
        self.assertEqual([x["errors"] for x in recs], [[], []])
        self.assertEqual(recs[0]["route"], "sendMessage")
        self.assertEqual(recs[0]["path_params"]["roomId"], r)
        self.assertEqual(recs[0]["body"], notice)
        self.assertTrue(recs[1].get("txn_replay"))

    def test_same_txn_id_with_other_content_is_flagged(self):
        r = self.room()
        b1 = self.send(r, {"msgtype": "m.notice", "body": "een"}, "dup")[1]
        s, b2, _ = self.send(r, {"msgtype": "m.notice", "body": "twee"}, "dup")
        self.assertEqual((s, b2), (200, b1))
        self.assertIn("different body", json.dumps(self.requests()[-1]["errors"]))

    def test_message_without_body_is_rejected_naming_body(self):
        r = self.room()
        s, b, _ = self.send(r, {"msgtype": "m.notice"}, "nobody")
        self.assertEqual(s, 400)
        self.assertEqual(b["errcode"], "M_BAD_JSON")
        self.assertIn("'body' is a required property", b["error"])
        errs = self.call("GET", "/_test/errors")[1]
        self.assertTrue(any("nobody" in x["path"] for x in errs["requests"]))
        self.assertEqual(self.requests()[-1]["errors"][0]["where"], "body")

    def test_formatted_body_without_format_is_rejected(self):
        r = self.room()
        s, b, _ = self.send(r, {"msgtype": "m.text", "body": "x", "formatted_body": "<b>x</b>"},
                            "fmt")
        self.assertEqual(s, 400)
        self.assertIn("'format' is required", b["error"])
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x",
                                "format": "org.matrix.custom.html",
                                "formatted_body": "<script>alert(1)</script>"}, "fmt2")
        self.assertEqual(s, 400)
        self.assertIn("<script>", b["error"])

    def test_bad_room_id_is_400_and_unknown_room_403(self):
        s, b, _ = self.send("not-a-room", {"msgtype": "m.notice", "body": "x"}, "r1")
        self.assertEqual((s, b["errcode"]), (400, "M_INVALID_PARAM"))
        self.assertIn("roomId", b["error"])
        s, b, _ = self.send("!nowhere:localhost", {"msgtype": "m.notice", "body": "x"}, "r2")
        self.assertEqual((s, b["errcode"]), (403, "M_FORBIDDEN"))

    def test_state_event_through_send_and_wrong_state_key_are_rejected(self):
        r = self.room()
        s, b, _ = self.send(r, {"name": "x"}, "st", etype="m.room.name")
        self.assertEqual(s, 400)
        self.assertIn("state event", b["error"])
        s, b, _ = self.call("PUT", f"/_matrix/client/v3/rooms/{q(r)}/state/m.room.encryption/x",
                            {"algorithm": "m.megolm.v1.aes-sha2"}, BOT_TOKEN)
        self.assertEqual(s, 400)
        self.assertIn("state_key", b["error"])

    def test_reaction_edit_reply_and_duplicate_annotation(self):
        r = self.room()
        target = self.send(r, {"msgtype": "m.notice", "body": "peiling"}, "p0")[1]["event_id"]
        react = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": "👍"}}
        self.assertEqual(self.send(r, react, "re1", "m.reaction")[0], 200)
        s, b, _ = self.send(r, react, "re2", "m.reaction")
        self.assertEqual((s, b["errcode"]), (400, "M_DUPLICATE_ANNOTATION"))
        edit = {"msgtype": "m.notice", "body": "* nieuw",
                "m.new_content": {"msgtype": "m.notice", "body": "nieuw"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": target}}
        self.assertEqual(self.send(r, edit, "ed1")[0], 200)
        bad_edit = dict(edit, **{"m.new_content": {"msgtype": "m.notice"}})
        s, b, _ = self.send(r, bad_edit, "ed2")
        self.assertEqual(s, 400)
        self.assertIn("m.new_content", b["error"])
        reply = {"msgtype": "m.notice", "body": "ok",
                 "m.relates_to": {"m.in_reply_to": {"event_id": target}}}
        self.assertEqual(self.send(r, reply, "rp1")[0], 200)
        bad = {"msgtype": "m.notice", "body": "ok",
               "m.relates_to": {"m.in_reply_to": {"event_id": "no-dollar"}}}
        self.assertEqual(self.send(r, bad, "rp2")[0], 400)

    def test_polls_use_the_hand_written_msc3381_schemas(self):
        r = self.room()
        start = {"org.matrix.msc1767.text": "Kleur?\n1. Rood\n2. Blauw",
                 "org.matrix.msc3381.poll.start": {
                     "kind": "org.matrix.msc3381.poll.disclosed", "max_selections": 1,
                     "question": {"org.matrix.msc1767.text": "Kleur?", "body": "Kleur?",
                                  "msgtype": "m.text"},
                     "answers": [{"id": "rood", "org.matrix.msc1767.text": "Rood"},
                                 {"id": "blauw", "org.matrix.msc1767.text": "Blauw"}]}}
        s, b, _ = self.send(r, start, "poll1", "org.matrix.msc3381.poll.start")
        self.assertEqual(s, 200, b)
        self.assertIn("hand-written MSC3381", " ".join(self.requests()[-1]["notes"]))
        end = {"m.relates_to": {"rel_type": "m.reference", "event_id": b["event_id"]},
               "org.matrix.msc3381.poll.end": {}, "org.matrix.msc1767.text": "Uitslag: Rood"}
        self.assertEqual(self.send(r, end, "poll2", "org.matrix.msc3381.poll.end")[0], 200)
        s, b, _ = self.send(r, {"org.matrix.msc3381.poll.response": {"answers": ["rood"]}},
                            "poll3", "org.matrix.msc3381.poll.response")
        self.assertEqual(s, 400)
        self.assertIn("m.relates_to", b["error"])
        dupes = json.loads(json.dumps(start))
        dupes["org.matrix.msc3381.poll.start"]["answers"][1]["id"] = "rood"
        self.assertEqual(self.send(r, dupes, "poll4", "org.matrix.msc3381.poll.start")[0], 400)

    def test_unknown_endpoint_method_and_query_parameter(self):
        s, b, _ = self.call("GET", "/_matrix/client/v3/nope", token=BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (404, "M_UNRECOGNIZED"))
        s, b, _ = self.call("DELETE", "/_matrix/client/v3/sync", token=BOT_TOKEN)
        self.assertEqual(s, 405)
        s, b, _ = self.call("GET", "/_matrix/client/v3/sync?sinec=s1", token=BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (400, "M_INVALID_PARAM"))
        self.assertIn("sinec", b["error"])
        s, b, _ = self.call("GET", "/_matrix/client/v3/sync?timeout=soon", token=BOT_TOKEN)
        self.assertEqual(s, 400)
        self.assertIn("timeout", b["error"])
        self.assertEqual(len([x for x in self.requests() if x["errors"]]), 4)

    def test_json_body_rules(self):
        r = self.room()
        path = f"/_matrix/client/v3/rooms/{q(r)}/send/m.room.message/j1"
        s, b, _ = self.call("PUT", path, raw=b"{not json", token=BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (400, "M_NOT_JSON"))
        s, b, _ = self.call("PUT", path, raw=b'{"msgtype":"m.notice","body":"x"}',
                            token=BOT_TOKEN, headers={"Content-Type": "text/plain"})
        self.assertEqual((s, b["errcode"]), (400, "M_NOT_JSON"))
        s, b, _ = self.call("PUT", path, {"msgtype": "m.notice", "body": "x", "n": 1.5},
                            BOT_TOKEN)
        self.assertEqual(s, 400)
        self.assertIn("float", b["error"])
        s, b, _ = self.call("POST", f"/_matrix/client/v3/rooms/{q(r)}/join", token=BOT_TOKEN)
        self.assertEqual(s, 400, "join needs a body, even {}")

    def test_keep_alive_connection_and_chunked_body(self):
        r = self.room()
        self.call("POST", "/_test/fail", {"path": "/send/", "status": 429, "count": 1})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.addCleanup(conn.close)
        statuses = []
        for i, content in enumerate([{"msgtype": "m.notice", "body": "a"},
                                     {"msgtype": "m.notice", "body": "a"},
                                     {"msgtype": "m.notice"}]):
            conn.request("PUT", f"/_matrix/client/v3/rooms/{q(r)}/send/m.room.message/ka{i}",
                         body=json.dumps(content),
                         headers={"Authorization": f"Bearer {BOT_TOKEN}",
                                  "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
        self.assertEqual(statuses, [429, 200, 400])
        conn.request("PUT", f"/_matrix/client/v3/rooms/{q(r)}/send/m.room.message/chunked",
                     body=iter([b'{"msgtype":"m.notice",', b'"body":"in stukjes"}']),
                     headers={"Authorization": f"Bearer {BOT_TOKEN}",
                              "Content-Type": "application/json"}, encode_chunked=True)
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200, resp.read())

    # ---- authentication and the appservice ----

    def test_tokens(self):
        s, b, _ = self.call("GET", "/_matrix/client/v3/account/whoami")
        self.assertEqual((s, b["errcode"]), (401, "M_MISSING_TOKEN"))
        s, b, _ = self.call("GET", "/_matrix/client/v3/account/whoami", token="wrong")
        self.assertEqual((s, b["errcode"]), (401, "M_UNKNOWN_TOKEN"))
        s, b, _ = self.call("GET", "/_matrix/client/v3/account/whoami", token=BOT_TOKEN)
        self.assertEqual((s, b["user_id"]), (200, BOT))
        s, b, _ = self.call("GET", "/_matrix/client/v3/account/whoami?user_id=" + q(ALICE),
                            token=BOT_TOKEN)
        self.assertEqual(s, 400, "user_id is for application services only")

    def test_appservice_registers_and_masquerades(self):
        reg = "/_matrix/client/v3/register"
        s, b, _ = self.call("POST", reg, {"type": "m.login.application_service",
                                          "username": "_lnw_carla", "inhibit_login": True},
                            AS_TOKEN)
        self.assertEqual((s, b), (200, {"user_id": "@_lnw_carla:localhost"}))
        s, b, _ = self.call("POST", reg, {"type": "m.login.application_service",
                                          "username": "_lnw_carla", "inhibit_login": True},
                            AS_TOKEN)
        self.assertEqual((s, b["errcode"]), (400, "M_USER_IN_USE"))
        s, b, _ = self.call("POST", reg, {"type": "m.login.application_service",
                                          "username": "mallory", "inhibit_login": True},
                            AS_TOKEN)
        self.assertEqual((s, b["errcode"]), (400, "M_EXCLUSIVE"))
        s, b, _ = self.call("POST", reg, {"username": "_lnw_dirk"}, AS_TOKEN)
        self.assertEqual(s, 400)
        self.assertIn("m.login.application_service", b["error"])
        who = "/_matrix/client/v3/account/whoami"
        self.assertEqual(self.call("GET", who, token=AS_TOKEN)[1]["user_id"], AS_BOT)
        s, b, _ = self.call("GET", who + "?user_id=" + q("@_lnw_carla:localhost"),
                            token=AS_TOKEN)
        self.assertEqual((s, b["user_id"]), (200, "@_lnw_carla:localhost"))
        s, b, _ = self.call("GET", who + "?user_id=" + q(ALICE), token=AS_TOKEN)
        self.assertEqual((s, b["errcode"]), (403, "M_FORBIDDEN"))
        s, b, _ = self.call("GET", who + "?user_id=" + q("@_lnw_nobody:localhost"),
                            token=AS_TOKEN)
        self.assertEqual(s, 403, "not registered yet")

    def test_pushed_transaction_reaches_the_appservice_with_the_hs_token(self):
        rx = Receiver()
        self.addCleanup(rx.close)
        self.call("POST", "/_test/config", {"appservice_url": rx.url})
        r = self.room(members=(ALICE,))
        ev = {"room_id": r, "sender": ALICE, "type": "m.room.message",
              "content": {"msgtype": "m.text", "body": "hulp"}}
        s, b, _ = self.call("POST", "/_test/push_transaction", {"events": [ev], "txn_id": "t7"})
        self.assertEqual((s, b["status"], b["schema_warnings"]), (200, 200, []))
        got = rx.received[-1]
        self.assertEqual(got["path"], "/_matrix/app/v1/transactions/t7")
        self.assertEqual(got["headers"]["Authorization"], f"Bearer {HS_TOKEN}")
        self.assertEqual(got["body"]["events"][0]["content"]["body"], "hulp")
        self.assertRegex(got["body"]["events"][0]["event_id"], r"^\$")
        # the homeserver retries the same txnId with the same body
        s, b2, _ = self.call("POST", "/_test/push_transaction", {"txn_id": "t7"})
        self.assertEqual(rx.received[-1]["path"], "/_matrix/app/v1/transactions/t7")
        self.assertEqual(rx.received[-1]["body"], got["body"])
        # a full transaction of 100 events
        many = [dict(ev, content={"msgtype": "m.text", "body": f"bericht {i}"})
                for i in range(100)]
        s, b, _ = self.call("POST", "/_test/push_transaction", {"events": many})
        self.assertEqual(len(rx.received[-1]["body"]["events"]), 100)
        self.assertEqual(len(set(b["event_ids"])), 100)
        # Synapse before 1.70/1.81: token in the query string, no /_matrix/app/v1 prefix
        self.call("POST", "/_test/push_transaction", {"events": [ev], "txn_id": "old",
                                                      "auth": "query", "legacy": True})
        self.assertEqual(rx.received[-1]["path"],
                         f"/transactions/old?access_token={HS_TOKEN}")
        self.assertNotIn("Authorization", rx.received[-1]["headers"])
        self.assertEqual(rx.received[-1]["body"]["events"][0]["user_id"], ALICE)
        # an appservice that refuses: the status comes back to the test
        rx.statuses = [403]
        b = self.call("POST", "/_test/push_transaction", {"events": [ev], "auth": "none"})[1]
        self.assertEqual(b["status"], 403)
        self.assertEqual(self.call("GET", "/_test/transactions")[1]["transactions"][-1]["status"],
                         403)

    def test_appservice_ping_and_timestamp_massaging(self):
        rx = Receiver()
        self.addCleanup(rx.close)
        ping = "/_matrix/client/v1/appservice/leernetwerk/ping"
        s, b, _ = self.call("POST", ping, {"transaction_id": "p1"}, AS_TOKEN)
        self.assertEqual((s, b["errcode"]), (400, "M_URL_NOT_SET"))
        self.call("POST", "/_test/config", {"appservice_url": rx.url})
        s, b, _ = self.call("POST", ping, {"transaction_id": "p1"}, AS_TOKEN)
        self.assertEqual(s, 200, b)
        self.assertIn("duration_ms", b)
        self.assertEqual(rx.received[-1]["path"], "/_matrix/app/v1/ping")
        self.assertEqual(rx.received[-1]["body"], {"transaction_id": "p1"})
        self.assertEqual(rx.received[-1]["headers"]["Authorization"], f"Bearer {HS_TOKEN}")
        rx.statuses = [500]
        s, b, _ = self.call("POST", ping, {}, AS_TOKEN)
        self.assertEqual((s, b["errcode"], b["status"]), (502, "M_BAD_STATUS", 500))
        self.assertEqual(self.call("POST", ping, {}, BOT_TOKEN)[0], 403)
        r = self.room(members=(ALICE, AS_BOT))
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x"}, "ts1", token=AS_TOKEN,
                            query="?ts=1234")
        self.assertEqual(s, 200, b)
        self.assertEqual(self.dump(r)["timeline"][-1]["origin_server_ts"], 1234)
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x"}, "ts2", query="?ts=1234")
        self.assertEqual(s, 400, "ts is for application services")

    def test_auto_push_retries_the_same_txn_id_until_it_succeeds(self):
        rx = Receiver()
        self.addCleanup(rx.close)
        rx.statuses = [500, 500]
        self.call("POST", "/_test/config", {"appservice_url": rx.url, "auto_push": True,
                                            "push_retry_ms": 50})
        r = self.room(members=(ALICE, AS_BOT))
        deadline = time.time() + 5
        while time.time() < deadline and (len(rx.received) < 3 or rx.statuses):
            time.sleep(0.05)
        paths = [x["path"] for x in rx.received]
        self.assertGreaterEqual(len(paths), 3)
        self.assertEqual(paths[0], paths[1])
        self.assertEqual(paths[1], paths[2])
        self.assertEqual(rx.received[0]["body"], rx.received[2]["body"])
        types = [e["type"] for e in rx.received[2]["body"]["events"]]
        self.assertIn("m.room.member", types)
        self.assertEqual(self.dump(r)["room_id"], r)

    # ---- sync ----

    def test_sync_with_a_gap_and_back_fill(self):
        r = self.room()
        sync = "/_matrix/client/v3/sync"
        first = self.call("GET", sync, token=BOT_TOKEN)[1]
        self.assertIn(r, first["rooms"]["join"])
        since = first["next_batch"]
        for i in range(15):
            self.call("POST", "/_test/room_event", {"room_id": r, "sender": ALICE,
                                                    "type": "m.room.message",
                                                    "content": {"msgtype": "m.text",
                                                                "body": f"m{i}"}})
        flt = json.dumps({"room": {"timeline": {"limit": 5}}})
        s, b, _ = self.call("GET", f"{sync}?since={since}&timeout=0&filter={q(flt)}",
                            token=BOT_TOKEN)
        self.assertEqual(s, 200)
        tl = b["rooms"]["join"][r]["timeline"]
        self.assertTrue(tl["limited"])
        self.assertEqual([e["content"]["body"] for e in tl["events"]],
                         [f"m{i}" for i in range(10, 15)])
        s, m, _ = self.call("GET", f"/_matrix/client/v3/rooms/{q(r)}/messages?dir=b&from="
                            f"{tl['prev_batch']}&to={since}&limit=100", token=BOT_TOKEN)
        self.assertEqual(s, 200, m)
        self.assertEqual([e["content"]["body"] for e in reversed(m["chunk"])],
                         [f"m{i}" for i in range(10)])
        # nothing new: a long poll times out empty
        t0 = time.time()
        b2 = self.call("GET", f"{sync}?since={b['next_batch']}&timeout=300",
                       token=BOT_TOKEN)[1]
        self.assertGreaterEqual(time.time() - t0, 0.25)
        self.assertNotIn("rooms", b2)

    def test_sync_long_poll_wakes_on_a_new_event_and_echoes_the_txn_id(self):
        r = self.room()
        sync = "/_matrix/client/v3/sync"
        since = self.call("GET", sync, token=BOT_TOKEN)[1]["next_batch"]
        out = {}

        def poll():
            out["b"] = self.call("GET", f"{sync}?since={since}&timeout=5000",
                                 token=BOT_TOKEN)[1]
        t = threading.Thread(target=poll)
        t0 = time.time()
        t.start()
        time.sleep(0.2)
        self.send(r, {"msgtype": "m.notice", "body": "echo"}, "echo-1")
        t.join(5)
        self.assertLess(time.time() - t0, 3)
        evs = out["b"]["rooms"]["join"][r]["timeline"]["events"]
        self.assertEqual(evs[-1]["unsigned"]["transaction_id"], "echo-1")

    def test_scripted_sync_response_with_a_gap(self):
        r = "!scripted:localhost"
        scripted = {"next_batch": "gap-2", "rooms": {"join": {r: {
            "timeline": {"events": [{"type": "m.room.message", "sender": ALICE,
                                     "event_id": "$late", "origin_server_ts": 1,
                                     "content": {"msgtype": "m.text", "body": "na de gat"}}],
                         "limited": True, "prev_batch": "t0"}}}}}
        s, b, _ = self.call("POST", "/_test/sync", {"user_id": BOT, "response": scripted})
        self.assertEqual(b["schema_warnings"], [])
        got = self.call("GET", "/_matrix/client/v3/sync?since=s1&timeout=1000",
                        token=BOT_TOKEN)[1]
        self.assertEqual(got, scripted)
        s, b, _ = self.call("GET", "/_matrix/client/v3/sync?since=gap-2&timeout=0",
                            token=BOT_TOKEN)
        self.assertEqual(s, 200, "a scripted next_batch is a valid since token")

    def test_invite_create_room_join_and_members(self):
        s, b, _ = self.call("POST", "/_matrix/client/v3/createRoom",
                            {"preset": "trusted_private_chat", "is_direct": True,
                             "invite": [BOT]}, ALICE_TOKEN)
        self.assertEqual(s, 200, b)
        r = b["room_id"]
        self.assertRegex(r, r"^![^:]+:localhost$")
        inv = self.call("GET", "/_matrix/client/v3/sync", token=BOT_TOKEN)[1]["rooms"]["invite"]
        mine = [e for e in inv[r]["invite_state"]["events"] if e["state_key"] == BOT]
        self.assertEqual(mine[0]["content"], {"membership": "invite", "is_direct": True})
        s, b, _ = self.call("POST", f"/_matrix/client/v3/join/{q(r)}", {}, BOT_TOKEN)
        self.assertEqual((s, b), (200, {"room_id": r}))
        s, b, _ = self.call("GET", f"/_matrix/client/v3/rooms/{q(r)}/joined_members",
                            token=BOT_TOKEN)
        self.assertEqual(set(b["joined"]), {ALICE, BOT})
        private = self.call("POST", "/_matrix/client/v3/createRoom", {}, ALICE_TOKEN)[1]
        s, b, _ = self.call("POST", f"/_matrix/client/v3/rooms/{q(private['room_id'])}/join",
                            {}, BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (403, "M_FORBIDDEN"))
        s, b, _ = self.call("POST", f"/_matrix/client/v3/join/{q('#nergens:localhost')}", {},
                            BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (404, "M_NOT_FOUND"))
        s, b, _ = self.call("POST", "/_matrix/client/v3/createRoom", {"invite": ["alice"]},
                            ALICE_TOKEN)
        self.assertEqual(s, 400)

    def test_direct_account_data_filter_and_profile(self):
        ad = f"/_matrix/client/v3/user/{q(BOT)}/account_data/m.direct"
        s, b, _ = self.call("GET", ad, token=BOT_TOKEN)
        self.assertEqual((s, b["errcode"]), (404, "M_NOT_FOUND"))
        self.call("POST", "/_test/account_data", {"user_id": BOT, "type": "m.direct",
                                                  "content": {ALICE: ["!dm1:localhost"]}})
        self.assertEqual(self.call("GET", ad, token=BOT_TOKEN)[1], {ALICE: ["!dm1:localhost"]})
        new = {ALICE: ["!dm1:localhost"], BOB: ["!dm2:localhost"]}
        self.assertEqual(self.call("PUT", ad, new, BOT_TOKEN)[0], 200)
        self.assertEqual(self.call("GET", ad, token=BOT_TOKEN)[1], new)
        s, b, _ = self.call("PUT", ad, {ALICE: "!dm1:localhost"}, BOT_TOKEN)
        self.assertEqual(s, 400)
        s, b, _ = self.call("GET", f"/_matrix/client/v3/user/{q(ALICE)}/account_data/m.direct",
                            token=BOT_TOKEN)
        self.assertEqual(s, 403)
        fl = f"/_matrix/client/v3/user/{q(BOT)}/filter"
        s, b, _ = self.call("POST", fl, {"room": {"timeline": {"limit": 50, "types": [
            "m.room.message", "org.matrix.msc3381.poll.response"]}},
            "account_data": {"types": ["m.direct"]}}, BOT_TOKEN)
        self.assertEqual(s, 200)
        s, b2, _ = self.call("GET", "/_matrix/client/v3/sync?filter=" + b["filter_id"],
                             token=BOT_TOKEN)
        self.assertEqual(b2["account_data"]["events"], [{"type": "m.direct", "content": new}])
        s, b, _ = self.call("POST", fl, {"room": {"timeline": {"limit": "veel"}}}, BOT_TOKEN)
        self.assertEqual(s, 400)
        pr = f"/_matrix/client/v3/profile/{q(BOT)}/displayname"
        self.assertEqual(self.call("PUT", pr, {"displayname": "Leernetwerk"}, BOT_TOKEN)[0], 200)
        self.assertEqual(self.call("GET", pr)[1], {"displayname": "Leernetwerk"})
        self.assertEqual(self.call("PUT", pr, {"displayname": 5}, BOT_TOKEN)[0], 400)

    def test_encrypted_room_is_visible_and_noted(self):
        r = self.room(encrypted=True)
        s, b, _ = self.call("GET", f"/_matrix/client/v3/rooms/{q(r)}/state/m.room.encryption/",
                            token=BOT_TOKEN)
        self.assertEqual((s, b["algorithm"]), (200, "m.megolm.v1.aes-sha2"))
        self.send(r, {"msgtype": "m.notice", "body": "x"}, "enc")
        self.assertIn("encrypted room", " ".join(self.requests()[-1]["notes"]))
        self.assertTrue(self.dump(r)["encrypted"])

    # ---- failures ----

    def test_injected_429_with_retry_after_then_success_on_the_same_txn_id(self):
        r = self.room()
        rule = self.call("POST", "/_test/fail", {"path": "/send/", "status": 429,
                                                 "retry_after_ms": 1500, "count": 1})[1]
        s, b, h = self.send(r, {"msgtype": "m.notice", "body": "x"}, "rl1")
        self.assertEqual((s, b["errcode"], b["retry_after_ms"]), (429, "M_LIMIT_EXCEEDED", 1500))
        self.assertEqual(h["Retry-After"], "2")
        self.assertEqual(self.requests()[-1]["injected"], rule["id"])
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x"}, "rl1")
        self.assertEqual(s, 200)

    def test_injected_500_after_processing_keeps_the_txn_id_idempotent(self):
        r = self.room()
        self.call("POST", "/_test/fail", {"path": "/send/", "status": 500,
                                          "after_processing": True, "method": "PUT"})
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x"}, "lost")
        self.assertEqual((s, b["errcode"]), (500, "M_UNKNOWN"))
        s, b, _ = self.send(r, {"msgtype": "m.notice", "body": "x"}, "lost")
        self.assertEqual(s, 200)
        self.assertEqual(b, self.requests()[-2]["processed_response"])
        notices = [e for e in self.dump(r)["timeline"] if e["sender"] == BOT
                   and e["type"] == "m.room.message"]
        self.assertEqual(len(notices), 1)

    # ---- conversations, one per mode ----

    def test_conversation_in_appservice_mode(self):
        """A toy appservice joins on invite and answers a question; its echo comes back."""
        def bot(txn):
            for ev in txn["events"]:
                if ev["type"] == "m.room.member" and ev.get("state_key") == AS_BOT and \
                        ev["content"].get("membership") == "invite":
                    self.call("POST", f"/_matrix/client/v3/rooms/{q(ev['room_id'])}/join", {},
                              AS_TOKEN)
                elif ev["type"] == "m.room.message" and ev["sender"] != AS_BOT and \
                        ev["content"].get("msgtype") == "m.text":
                    self.send(ev["room_id"], {"msgtype": "m.notice", "body": "Dag!"},
                              "re-" + ev["event_id"][1:9], token=AS_TOKEN)
        rx = Receiver(on_transaction=bot)
        self.addCleanup(rx.close)
        self.call("POST", "/_test/config", {"appservice_url": rx.url, "auto_push": True})
        r = self.room(members=(ALICE,), invite=[AS_BOT])
        self._wait(lambda: self.dump(r)["members"].get(AS_BOT) == "join")
        self.call("POST", "/_test/room_event", {"room_id": r, "sender": ALICE,
                                                "type": "m.room.message",
                                                "content": {"msgtype": "m.text",
                                                            "body": "hallo"}})
        self._wait(lambda: any(e["type"] == "m.room.message" and e["sender"] == AS_BOT
                               for e in self.dump(r)["timeline"]))
        self._wait(lambda: any(e["sender"] == AS_BOT and e["type"] == "m.room.message"
                               for t in rx.received for e in t["body"]["events"]))
        self.assertEqual([x["errors"] for x in self.requests() if x["errors"]], [])

    def test_conversation_in_bot_account_mode(self):
        r = self.room(members=(ALICE,), invite=[BOT])
        sync = "/_matrix/client/v3/sync?timeout=1000"
        b = self.call("GET", sync, token=BOT_TOKEN)[1]
        self.assertIn(r, b["rooms"]["invite"])
        self.call("POST", f"/_matrix/client/v3/join/{q(r)}", {}, BOT_TOKEN)
        since = b["next_batch"]
        self.call("POST", "/_test/room_event", {"room_id": r, "sender": ALICE,
                                                "type": "m.room.message",
                                                "content": {"msgtype": "m.text", "body": "hulp"}})
        b = self.call("GET", f"{sync}&since={since}", token=BOT_TOKEN)[1]
        texts = [e for e in b["rooms"]["join"][r]["timeline"]["events"]
                 if e["type"] == "m.room.message"]
        self.assertEqual(texts[-1]["content"]["body"], "hulp")
        s, _, _ = self.send(r, {"msgtype": "m.notice", "body": "Dit kan ik",
                                "m.relates_to": {"m.in_reply_to": {
                                    "event_id": texts[-1]["event_id"]}}}, "answer-1")
        self.assertEqual(s, 200)
        b = self.call("GET", f"{sync}&since={b['next_batch']}", token=BOT_TOKEN)[1]
        echo = b["rooms"]["join"][r]["timeline"]["events"][-1]
        self.assertEqual((echo["sender"], echo["unsigned"]["transaction_id"]), (BOT, "answer-1"))
        self.assertEqual([x["errors"] for x in self.requests() if x["errors"]], [])

    def _wait(self, cond, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if cond():
                return
            time.sleep(0.05)
        self.fail("condition not met in time")


@unittest.skipIf(SPEC_DIR is None, "Matrix spec data not found")
class LifecycleTest(unittest.TestCase):
    def _wait_exit(self, proc, timeout):
        try:
            return proc.wait(timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.stderr.close()

    def test_shutdown_endpoint_stops_it(self):
        proc, port = start_peer("--idle-timeout", "30", spec_dir=SPEC_DIR)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/_test/shutdown", data=b"{}",
                                     method="POST")
        with NO_PROXY.open(req, timeout=5) as r:
            self.assertEqual(r.status, 200)
        self.assertEqual(self._wait_exit(proc, 5), 0)

    def test_idle_timeout_stops_it(self):
        proc, port = start_peer("--idle-timeout", "0.5", spec_dir=SPEC_DIR)
        self.assertEqual(self._wait_exit(proc, 5), 0)

    def test_closing_stdin_stops_it(self):
        cmd = [sys.executable, str(HERE / "fake_homeserver.py"), "--stop-on-stdin-eof",
               "--spec-dir", str(SPEC_DIR)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.assertTrue(proc.stdout.readline().startswith("LISTENING "))
        proc.stdin.close()
        self.assertEqual(self._wait_exit(proc, 5), 0)

    def test_missing_spec_is_reported(self):
        proc = subprocess.run([sys.executable, str(HERE / "fake_homeserver.py"), "--spec-dir",
                               "/nonexistent"], capture_output=True, text=True, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("Matrix spec data not found", proc.stderr)


if __name__ == "__main__":
    if SPEC_DIR is None:
        print("SKIP: Matrix spec data not found: set MATRIX_SPEC_DIR or put matrix-spec/data at "
              "<repo>/../shared/matrix-spec/data", flush=True)
        sys.exit(77)  # ctest SKIP_RETURN_CODE
    unittest.main()
