#!/usr/bin/env python3
"""Run `drizzle-kit generate` under a pseudo-terminal and answer its rename prompts.

drizzle-kit (hanji) asks "Is <name> column in <table> table created or renamed from another column?"
(likewise for tables/enums/schemas/sequences...) and renders a select list:

    ❯ + elapsed            create column
      ~ duration › elapsed rename column

usage: drive_generate.py --config pg/drizzle.config.ts --name step4 \
           --answer elapsed=rename:duration --answer locale=create
An answer key is the <name> in "Is <name> ..."; value is `create` or `rename:<old name>`
(<old name> is matched against the end of the text left of '›', so 'orgs' matches 'public.orgs').
Unanswered prompts abort the run (exit 3). Prints the transcript (ANSI stripped) to stdout.
"""

import argparse
import os
import pty
import re
import select
import signal
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
Q = re.compile(r"Is (\S+) (\w+)(?: in (\S+) (?:table|schema))?.*created or renamed from another")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--answer", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    answers = {}
    for item in a.answer:
        k, v = item.split("=", 1)
        answers.setdefault(k, []).append(v)

    pid, fd = pty.fork()
    if pid == 0:
        os.environ["FORCE_COLOR"] = "0"
        os.execvp(
            "npx", ["npx", "--no-install", "drizzle-kit", "generate", "--config", a.config, "--name", a.name]
        )
    transcript = ""
    pending = ""
    deadline = time.time() + a.timeout
    last_data = time.time()
    rc = None
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                break
            if not d:
                break
            txt = ANSI.sub("", d.decode("utf-8", "replace"))
            transcript += txt
            pending += txt
            last_data = time.time()
            continue
        # quiet for a moment: is a prompt waiting?
        if time.time() - last_data < 0.6:
            continue
        qs = list(Q.finditer(pending))
        if not qs:
            continue
        q = qs[-1]
        name = q.group(1)
        body = pending[q.end() :]
        opts = [
            ln.strip()
            for ln in body.replace("\r", "\n").split("\n")
            if ("create " in ln or "rename " in ln or "move " in ln) and ("+" in ln or "~" in ln or "›" in ln)
        ]
        # keep the first rendering of the list only
        seen, uniq = set(), []
        for o in opts:
            o2 = o.lstrip("❯").strip()
            if o2 not in seen:
                seen.add(o2)
                uniq.append(o2)
        if not uniq:
            continue
        if name not in answers or not answers[name]:
            sys.stdout.write(transcript)
            sys.stderr.write(f"\nno answer given for prompt about {name!r}; options: {uniq}\n")
            os.kill(pid, signal.SIGKILL)
            sys.exit(3)
        want = answers[name].pop(0)
        if want == "create":
            idx = next(i for i, o in enumerate(uniq) if o.startswith("+"))
        else:
            old = want.split(":", 1)[1]
            idx = next(
                i
                for i, o in enumerate(uniq)
                if o.startswith("~") and o[1:].split("›")[0].strip().endswith(old)
            )
        transcript += f"\n[drive_generate: answering {name!r} -> {want!r} (option {idx}: {uniq[idx]!r})]\n"
        os.write(fd, b"\x1b[B" * idx)
        time.sleep(0.2)
        os.write(fd, b"\r")
        pending = ""
        last_data = time.time()
    else:
        os.kill(pid, signal.SIGKILL)
        sys.stdout.write(transcript)
        sys.stderr.write("\ntimeout\n")
        sys.exit(4)
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    sys.stdout.write(transcript)
    sys.exit(rc)


if __name__ == "__main__":
    main()
