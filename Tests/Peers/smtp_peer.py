#!/usr/bin/python3
"""A scripted SMTP server for relance's delivery tests (aiosmtpd, 127.0.0.1 only).

Run with /usr/bin/python3 (Debian's python3-aiosmtpd). Every accepted message
is written to OUT/<n>.eml with OUT/<n>.json beside it (envelope, EHLO name,
TLS, AUTH login, connection number). When listening, the port is written to
--port-file (so a test can ask for port 0 and wait for the file).

Failure scripts: --rcpt-code 450 --rcpt-times 1 answers the first RCPT with
450, then accepts; --data-code 451 --data-times 1 does the same after DATA;
--rcpt-times -1 (or --data-times -1) fails every time.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, default=0)
p.add_argument("--port-file", required=True)
p.add_argument("--out", required=True)
p.add_argument("--tls", choices=["none", "starttls", "smtps"], default="none")
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--user")
p.add_argument("--password")
p.add_argument("--rcpt-code", type=int)
p.add_argument("--rcpt-times", type=int, default=0)
p.add_argument("--rcpt-reject", action="append", default=[], help="always answer 550 for this address")
p.add_argument("--data-code", type=int)
p.add_argument("--data-times", type=int, default=0)
p.add_argument("--data-delay", type=float, default=0, help="seconds to wait before answering DATA (a slow server)")
p.add_argument("--rcpt-log", help="append every RCPT command line, as received, to this file")
args = p.parse_args()
os.makedirs(args.out, exist_ok=True)

state = {"connections": 0, "messages": 0, "rcpt_failed": 0, "data_failed": 0}


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in args.rcpt_reject:
            return "550 5.1.1 scripted: no such mailbox"
        if args.rcpt_code and (args.rcpt_times < 0 or state["rcpt_failed"] < args.rcpt_times):
            state["rcpt_failed"] += 1
            return f"{args.rcpt_code} {args.rcpt_code // 100}.1.1 scripted RCPT failure"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.data_delay:
            await asyncio.sleep(args.data_delay)
        if args.data_code and (args.data_times < 0 or state["data_failed"] < args.data_times):
            state["data_failed"] += 1
            return f"{args.data_code} {args.data_code // 100}.3.0 scripted DATA failure"
        state["messages"] += 1
        n = state["messages"]
        with open(os.path.join(args.out, f"{n}.eml"), "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "ehlo": session.host_name,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "connection": getattr(session, "relance_connection", None),
        }
        with open(os.path.join(args.out, f"{n}.json"), "w") as f:
            json.dump(meta, f)
        return "250 2.0.0 queued as peer-%d" % n


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
          and auth_data.password.decode() == args.password)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


class CountingSMTP(SMTP):
    # Called again after STARTTLS on the same TCP connection, with a new session.
    def connection_made(self, transport):
        super().connection_made(transport)
        if not hasattr(self, "relance_connection"):
            state["connections"] += 1
            self.relance_connection = state["connections"]
        self.session.relance_connection = self.relance_connection

    async def smtp_RCPT(self, arg):
        if args.rcpt_log:
            with open(args.rcpt_log, "a") as f:
                f.write(json.dumps("RCPT " + (arg or "")) + "\n")
        await super().smtp_RCPT(arg)


def context():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


def factory():
    kw = {"hostname": "peer.localhost", "ident": "relance-test-peer"}
    if args.tls == "starttls":
        kw["tls_context"] = context()
    if args.user:
        # aiosmtpd cannot tell that an smtps connection is TLS: AUTH only after
        # STARTTLS, or at once on smtps.
        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=args.tls != "smtps")
    return CountingSMTP(Handler(), **kw)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=args.port,
                                      ssl=context() if args.tls == "smtps" else None)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    async with server:
        await server.serve_forever()

# The test stops us by PID with SIGTERM; a test runner may hand us SIGTERM
# ignored or blocked, so take it back explicitly.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
asyncio.run(main())
