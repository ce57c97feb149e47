#!/usr/bin/python3
"""Keeps filling a relance store the way a busy platform would, for `make soak`.

    soak_generator.py STORE RATE SECONDS FIRST_ID

Inserts RATE new requests per second (each with its first patient message, at
the current time) for SECONDS, in small transactions, between existing
practitioners and patients; prints the number of requests written.
"""
import random
import sqlite3
import sys
import time

store, rate, seconds, first = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
db = sqlite3.connect(store, timeout=30, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
practitioners = [r[0] for r in db.execute("SELECT id FROM practitioners WHERE messaging_open = 1")]
patients = [r[0] for r in db.execute("SELECT id FROM patients")]
rng = random.Random(2026)
written = 0
start = time.monotonic()
tick = 0.1
while time.monotonic() - start < seconds:
    due = int((time.monotonic() - start) * rate) - written
    if due > 0:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        db.execute("BEGIN IMMEDIATE")
        for _ in range(due):
            rid = first + written
            patient = rng.choice(patients)
            db.execute("INSERT INTO requests (id, practitioner_id, patient_id, status, created_at, updated_at) "
                       "VALUES (?, ?, ?, 'new', ?, ?)", (rid, rng.choice(practitioners), patient, now, now))
            db.execute("INSERT INTO messages (id, request_id, author, author_id, body, created_at) "
                       "VALUES (?, ?, 'patient', ?, 'Bonjour, message de charge', ?)", (rid * 10, rid, patient, now))
            written += 1
        db.execute("COMMIT")
    time.sleep(tick)
print(written)
