#!/usr/bin/python3
"""Parses .eml files with Python's email package (policy=default) and prints
one JSON object per file: decoded headers, and each text part decoded."""
import json
import sys
from email import policy
from email.parser import BytesParser

out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        raw = f.read()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                      "cte": part.get("Content-Transfer-Encoding"), "content": part.get_content()})
    out.append({
        "path": path,
        "subject": str(msg["Subject"]),
        "from": str(msg["From"]),
        "to": str(msg["To"]),
        "to_name": msg["To"].addresses[0].display_name if msg["To"] else None,
        "to_address": msg["To"].addresses[0].addr_spec if msg["To"] else None,
        "message_id": str(msg["Message-ID"]),
        "date": str(msg["Date"]),
        "auto_submitted": str(msg["Auto-Submitted"]),
        "content_type": msg.get_content_type(),
        "defects": [type(d).__name__ for d in msg.defects] + [type(d).__name__ for p in msg.walk() for d in p.defects],
        "header_names": list(msg.keys()),
        "parts": parts,
        "max_line": max(len(l) for l in raw.split(b"\r\n")),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
