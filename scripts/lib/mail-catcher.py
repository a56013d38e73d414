#!/usr/bin/env python3
"""mail-catcher.py — a catch-all SMTP server for development (scripts/run, scripts/bench).

Accepts every message for every address on 127.0.0.1:PORT (plain SMTP, no auth, no relay) and
writes each one to DIR as NNNNNN.eml, its HTML part as NNNNNN.html, and an index.html listing
them newest first (date, recipient, subject), so the emails the demo sends can be read in a
browser. Only the Python standard library; stops on SIGTERM/SIGINT.

usage: mail-catcher.py --port PORT --dir DIR [--no-files]
  --no-files   count messages without writing them (for scripts/bench)
"""
import argparse
import asyncio
import email
import email.policy
import html
import os
import signal
import sys


class Catcher:
    def __init__(self, folder, write):
        self.folder = folder
        self.write = write
        self.count = 0
        self.index = []

    def store(self, rcpt, data):
        self.count += 1
        if not self.write:
            return
        n = f"{self.count:06d}"
        with open(os.path.join(self.folder, n + ".eml"), "wb") as f:
            f.write(data)
        msg = email.message_from_bytes(data, policy=email.policy.default)
        body = msg.get_body(preferencelist=("html", "plain"))
        content = body.get_content() if body is not None else ""
        if body is not None and body.get_content_type() == "text/plain":
            content = "<pre>" + html.escape(content) + "</pre>"
        with open(os.path.join(self.folder, n + ".html"), "w", encoding="utf-8") as f:
            f.write(content)
        self.index.insert(0, (n, str(msg.get("Date", "")), ", ".join(rcpt), str(msg.get("Subject", ""))))
        rows = "".join(
            f"<tr><td>{html.escape(d)}</td><td>{html.escape(r)}</td>"
            f"<td><a href=\"{k}.html\">{html.escape(s)}</a></td><td><a href=\"{k}.eml\">.eml</a></td></tr>"
            for k, d, r, s in self.index
        )
        with open(os.path.join(self.folder, "index.html"), "w", encoding="utf-8") as f:
            f.write(
                "<!doctype html><meta charset=utf-8><title>vsession: caught emails</title>"
                "<style>body{font-family:system-ui,sans-serif;margin:2em}td{padding:4px 12px}</style>"
                f"<h1>Emails caught by the development SMTP server ({self.count})</h1>"
                f"<table><tr><th>date</th><th>to</th><th>subject</th><th></th></tr>{rows}</table>"
            )

    async def session(self, reader, writer):
        """One SMTP conversation (RFC 5321, the subset a client like libcurl uses)."""
        def reply(line):
            writer.write((line + "\r\n").encode())

        reply("220 localhost vsession development mail catcher")
        rcpt = []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                cmd = line.decode("utf-8", "replace").strip()
                verb = cmd[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250-localhost" if verb == "EHLO" else "250 localhost")
                    if verb == "EHLO":
                        reply("250-8BITMIME")
                        reply("250 SIZE 10485760")
                elif verb == "MAIL":
                    rcpt = []
                    reply("250 OK")
                elif verb == "RCPT":
                    rcpt.append(cmd.split(":", 1)[1].strip().strip("<>").split(">")[0] if ":" in cmd else "")
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 end with <CRLF>.<CRLF>")
                    await writer.drain()
                    chunks = []
                    while True:
                        part = await reader.readline()
                        if not part or part in (b".\r\n", b".\n"):
                            break
                        chunks.append(part[1:] if part.startswith(b"..") else part)
                    self.store(rcpt, b"".join(chunks))
                    reply("250 OK queued")
                elif verb == "RSET":
                    rcpt = []
                    reply("250 OK")
                elif verb == "NOOP":
                    reply("250 OK")
                elif verb == "QUIT":
                    reply("221 bye")
                    await writer.drain()
                    break
                else:
                    reply("502 command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser(description="catch-all SMTP server for development")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--no-files", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    catcher = Catcher(args.dir, not args.no_files)
    if catcher.write and not os.path.exists(os.path.join(args.dir, "index.html")):
        with open(os.path.join(args.dir, "index.html"), "w", encoding="utf-8") as f:
            f.write("<!doctype html><meta charset=utf-8><title>vsession: caught emails</title><p>No email yet.</p>")
    server = await asyncio.start_server(catcher.session, "127.0.0.1", args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    print(f"mail-catcher: {catcher.count} messages", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
