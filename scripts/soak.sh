#!/bin/bash
# `make soak`: relance run for SOAK_SECONDS (default 600) against a store that a
# generator fills at SOAK_RATE requests/s (default 50), delivering to the
# aiosmtpd peer and the SMS gateway peer on loopback. Not a test: it prints
# RSS at start and end, decisions, deliveries, p99 decide-to-send, and lost
# and duplicate counts. Every server it starts listens on 127.0.0.1 and is
# stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/relance}
SECONDS_TO_RUN=${SOAK_SECONDS:-600}
RATE=${SOAK_RATE:-50}
DIR=$(mktemp -d /tmp/relance-soak.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$BIN" demo --store "$DIR/store.sqlite" > /dev/null
/usr/bin/python3 Tests/Peers/smtp_peer.py --port-file "$DIR/smtp.port" --out "$DIR/mail" > "$DIR/smtp.log" 2>&1 &
PIDS+=($!)
/usr/bin/python3 Tests/Peers/sms_gateway.py "$DIR/sms.log" > "$DIR/sms.port" 2> "$DIR/sms.err" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s "$DIR/smtp.port" && -s "$DIR/sms.port" ]] && break; sleep 0.1; done
cat > "$DIR/relance.toml" <<EOT
[store]
path = "store.sqlite"
poll_interval = "2s"
catch_up = "0s"

[links]
base_url = "https://messagerie.example.org"
secret_file = "$(pwd)/Config/demo-link-secret"

[email]
transport = "smtp"
url = "smtp://127.0.0.1:$(cat "$DIR/smtp.port")"
tls = "none"
from = "Messagerie <no-reply@example.org>"

[sms]
transport = "webhook"
base_url = "http://127.0.0.1:$(head -1 "$DIR/sms.port")/sms"
body_template = '{"to": {{to}}, "text": {{text}}, "ref": {{id}}}'
quiet_hours = "none"

[log]
level = "notice"
EOT
FIRST=$(sqlite3 "$DIR/store.sqlite" "SELECT COALESCE(MAX(id), 0) + 1000000 FROM requests")
"$BIN" run --config "$DIR/relance.toml" > "$DIR/run.log" 2>&1 &
RUN=$!
PIDS+=($RUN)
rss() { awk '/VmRSS/ {print $2}' "/proc/$RUN/status"; }
sleep 10
RSS_START=$(rss)
/usr/bin/python3 scripts/soak_generator.py "$DIR/store.sqlite" "$RATE" "$SECONDS_TO_RUN" "$FIRST" > "$DIR/generated"
# Let the daemon run a cycle past the last requests, then drain.
END=$(date -u -d "+2 seconds" +%Y-%m-%dT%H:%M:%SZ)
for _ in $(seq 60); do
  last=$(sqlite3 "$DIR/store.sqlite" "SELECT MAX(now) FROM relance_cycles") || last=""
  [[ "$last" > "$END" || "$last" == "$END" ]] && break
  sleep 1
done
for _ in $(seq 120); do
  # Rows never tried yet, leased ones included (a lease moves not_before ahead).
  left=$(sqlite3 "$DIR/store.sqlite" "SELECT COUNT(*) FROM relance_outbox WHERE state = 'pending' AND attempts = 0") || left=1
  [[ "$left" == 0 ]] && break
  sleep 1
done
RSS_END=$(rss)
kill -TERM "$RUN"; wait "$RUN" || true

/usr/bin/python3 - "$DIR" "$FIRST" "$RSS_START" "$RSS_END" "$(cat "$DIR/generated")" <<'PY'
import collections, glob, json, re, sqlite3, sys
d, first, rss0, rss1, generated = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
db = sqlite3.connect(f"{d}/store.sqlite")
q = lambda sql, *a: db.execute(sql, a).fetchall()
decisions = q("SELECT COUNT(*) FROM relance_decisions")[0][0]
states = dict(q("SELECT state, COUNT(*) FROM relance_outbox GROUP BY state"))
# Every generated message must have its alert decision (sent, coalesced or skipped: each with a reason).
lost = q("""SELECT COUNT(*) FROM messages m JOIN requests r ON r.id = m.request_id JOIN practitioners p ON p.id = r.practitioner_id
            WHERE r.id >= ? AND p.notify_each_request = 1
              AND NOT EXISTS (SELECT 1 FROM blocked_patients b WHERE b.practitioner_id = r.practitioner_id AND b.patient_id = r.patient_id)
              AND NOT EXISTS (SELECT 1 FROM relance_decisions k WHERE k.key = 'patient_message_alert:message:' || m.id)""", first)[0][0]
delays = sorted(x[0] for x in q("""SELECT strftime('%s', o.sent_at) - strftime('%s', d.decided_at) FROM relance_outbox o
            JOIN relance_decisions d ON d.key = o.decision_key WHERE o.state = 'sent' AND d.request_id >= ?""", first))
p99 = delays[int(len(delays) * 0.99) - 1] if delays else None
ids = collections.Counter()
for path in glob.glob(f"{d}/mail/*.eml"):
    m = re.search(r"^Message-ID: <relance\.(\d+)\.", open(path, errors="replace").read(), re.M)
    if m: ids[m.group(1)] += 1
sms = collections.Counter(json.loads(l).get("json", {}).get("ref") for l in open(f"{d}/sms.log") if l.strip())
print(f"soak: {generated} requests generated; RSS {rss0} kB at start, {rss1} kB at end ({rss1 - rss0:+d} kB)")
print(f"decisions {decisions}; outbox {dict(states)}; emails received {sum(ids.values())}, SMS received {sum(sms.values())}")
print(f"p99 decide-to-send {p99} s over {len(delays)} sent rows; lost {lost}; "
      f"duplicates: {sum(n - 1 for n in ids.values() if n > 1)} email, {sum(n - 1 for n in sms.values() if n > 1)} SMS")
PY
echo "soak folder: $DIR"
