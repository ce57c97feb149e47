#!/usr/bin/python3
"""A loopback SMS gateway speaking Twilio's and Vonage's request and response
shapes, and a generic JSON webhook, for relance's tests.

    sms_gateway.py LOG_FILE [REPLY ...]

Listens on 127.0.0.1 on a free port and prints the port on its first line.
Every request is appended to LOG_FILE as one JSON object (method, path,
headers, form fields or JSON body, exactly as received). Each REPLY answers
one request, in order; when they run out, every request succeeds:

    201 / 200 / 401 / 400 / 503 ...  that HTTP status with the gateway's body
    429:SECONDS                      429 with Retry-After: SECONDS
    429:date:SECONDS                 429 with Retry-After as an HTTP date, SECONDS after Date
    vonage:STATUS                    HTTP 200 with that per-message Vonage status
"""
import email.utils
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_path = sys.argv[1]
replies = list(sys.argv[2:])
lock = threading.Lock()
counter = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        entry = {"method": "POST", "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                 "raw": raw.decode("utf-8", "replace")}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            entry["form"] = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("ascii"), keep_blank_values=True,
                                                                       strict_parsing=True).items()}
        elif ctype.startswith("application/json"):
            entry["json"] = json.loads(raw)
        with lock:
            counter[0] += 1
            n = counter[0]
            reply = replies.pop(0) if replies else None
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.answer(reply, n)

    def answer(self, reply, n):
        twilio = "/Messages.json" in self.path
        vonage = self.path.startswith("/sms/json")
        headers = {}
        if reply is None:
            status = 201 if twilio else 200
            body = ({"sid": "SM%032d" % n, "status": "queued"} if twilio else
                    {"message-count": "1", "messages": [{"status": "0", "message-id": "V%06d" % n}]} if vonage else
                    {"id": "W%06d" % n})
        elif reply.startswith("vonage:"):
            status = 200
            code = reply.split(":", 1)[1]
            body = {"message-count": "1", "messages": [{"status": code, "error-text": "Throttled" if code == "1" else "Refused"}]}
        elif reply.startswith("429:"):
            status = 429
            rest = reply.split(":")[1:]
            if rest[0] == "date":
                now = time.time()
                headers["Date"] = email.utils.formatdate(now, usegmt=True)
                headers["Retry-After"] = email.utils.formatdate(now + int(rest[1]), usegmt=True)
            else:
                headers["Retry-After"] = rest[0]
            body = {"code": 20429, "message": "Too Many Requests"}
        else:
            status = int(reply)
            body = {"code": 20003, "message": "Authenticate"} if status == 401 else \
                   {"code": 21211, "message": "The 'To' number is not a valid phone number."} if status == 400 else \
                   {"message": "Service unavailable"}
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
