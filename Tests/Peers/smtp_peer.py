#!/usr/bin/python3
"""A scripted SMTP server for relance's delivery tests (aiosmtpd, 127.0.0.1 only).

Run with /usr/bin/python3 (Debian's python3-aiosmtpd). Every accepted message
is written to OUT/<n>.eml with OUT/<n>.json beside it (envelope, EHLO name,
TLS, AUTH login, connection number). When listening, the port is written to
--port-file (so a test can ask for port 0 and wait for the file).

Failure scripts: --rcpt-code 450 --rcpt-times 1 answers the first RCPT with
450, then accepts; --data-code 451 --data-times 1 does the same after DATA;
--rcpt-times -1 (or --data-times -1) fails every time.

Relay scripts: --mail-code 550 --mail-times -1 refuses MAIL FROM (--mail-text
and --rcpt-text set the reply's words, e.g. "5.7.1 Relay access denied").
Late replies: --slow mail --slow-seconds 3 --slow-times 1 answers the first
MAIL FROM after 3 s (also rcpt, or data: the reply after the message's end;
a message whose client left meanwhile is not kept).
--never-greet accepts TCP connections and never says a word; each connection
is counted in OUT/connections.
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
p.add_argument("--mail-code", type=int)
p.add_argument("--mail-times", type=int, default=0)
p.add_argument("--mail-text", default="")
p.add_argument("--rcpt-text", default="")
p.add_argument("--slow", choices=["mail", "rcpt", "data"])
p.add_argument("--slow-seconds", type=float, default=0)
p.add_argument("--slow-times", type=int, default=1)
p.add_argument("--never-greet", action="store_true")
args = p.parse_args()
os.makedirs(args.out, exist_ok=True)

state = {"connections": 0, "messages": 0, "rcpt_failed": 0, "data_failed": 0, "mail_failed": 0, "slowed": 0}


async def maybe_slow(stage):
    if args.slow == stage and (args.slow_times < 0 or state["slowed"] < args.slow_times):
        state["slowed"] += 1
        await asyncio.sleep(args.slow_seconds)


def scripted(code, text, default):
    return f"{code} {text or default}"


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await maybe_slow("mail")
        if args.mail_code and (args.mail_times < 0 or state["mail_failed"] < args.mail_times):
            state["mail_failed"] += 1
            return scripted(args.mail_code, args.mail_text, f"{args.mail_code // 100}.7.1 scripted MAIL failure")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await maybe_slow("rcpt")
        if address in args.rcpt_reject:
            return "550 5.1.1 scripted: no such mailbox"
        if args.rcpt_code and (args.rcpt_times < 0 or state["rcpt_failed"] < args.rcpt_times):
            state["rcpt_failed"] += 1
            return scripted(args.rcpt_code, args.rcpt_text, f"{args.rcpt_code // 100}.1.1 scripted RCPT failure")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.data_delay:
            await asyncio.sleep(args.data_delay)
        await maybe_slow("data")
        if server.transport is None or server.transport.is_closing():
            # The client left before our late reply: like a careful server, keep nothing it was not told about.
            return "421 4.4.2 client gone"
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


class Silent(asyncio.Protocol):
    """Accepts the connection, counts it, and never answers."""
    def connection_made(self, transport):
        state["connections"] += 1
        with open(os.path.join(args.out, "connections"), "w") as f:
            f.write(str(state["connections"]))
        self.transport = transport


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Silent if args.never_greet else factory, host="127.0.0.1", port=args.port,
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
