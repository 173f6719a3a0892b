#!/usr/bin/env python3
"""Regenerates engine/src/command/docs_data.rs from a real Redis 7.0.15.

The command names come from the family files in engine/src/command/ (the
`spec!("name", ...)` literals and `name: "container|sub"` fields, files in name order,
each in source order), plus any given with --also. The script starts its own
redis-server on a free loopback port, asks it `COMMAND DOCS` and `COMMAND INFO` (RESP3)
for those names, writes docs_data.rs anew and stops the server.

Usage: scripts/gen_command_docs.py [--also NAME ...] [--redis-server PATH] [--output PATH]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND_DIR = ROOT / "engine" / "src" / "command"
OUTPUT = COMMAND_DIR / "docs_data.rs"

# Files of the command directory (paths relative to it) that hold no command specs.
NOT_FAMILIES = {"docs.rs", "docs_data.rs", "mod.rs", "tests.rs"}
# Documented by hand in docs.rs: Redis 7.2's, unknown to 7.0.15.
HAND_WRITTEN = {"client|setinfo"}

SPEC_NAME = re.compile(r'\bspec!\(\s*"([^"]+)"')
SUB_NAME = re.compile(r'\bname:\s*"([^"|]+\|[^"]+)"')

HEADER = """\
//! Documentation and key specs of every command kvdb implements, as Redis 7.0.15
//! reports them in `COMMAND DOCS` and `COMMAND INFO` (facts about the commands, in
//! kvdb's own data layout). Generated: after adding a command, regenerate with
//! `python3 scripts/gen_command_docs.py [--also NAME ...]` (needs redis-server 7.0).

use super::docs::{BeginSearch, CommandDoc, DocArg, FindKeys, KeySpec};

/// Every documented command, by full name.
pub(super) static DOCS: &[CommandDoc] = &[
"""
FOOTER = "];\n"


# ---------------------------------------------------------------- command names


def source_names():
    """Command names in the family files (subfolders too): files in path order, each in
    source order."""
    names = []
    for path in sorted(COMMAND_DIR.rglob("*.rs")):
        if path.relative_to(COMMAND_DIR).as_posix() in NOT_FAMILIES:
            continue
        text = path.read_text()
        # Specs in test modules are no commands of kvdb's.
        text = text.split("#[cfg(test)]", 1)[0]
        text = "\n".join(
            line for line in text.splitlines() if not line.lstrip().startswith("//")
        )
        found = [(m.start(), m.group(1)) for m in SPEC_NAME.finditer(text)]
        found += [(m.start(), m.group(1)) for m in SUB_NAME.finditer(text)]
        names += [name for _, name in sorted(found)]
    return names


def wanted_names(also):
    names = []
    for name in source_names() + [n.lower().replace(" ", "|") for n in also]:
        if name not in names and name not in HAND_WRITTEN:
            names.append(name)
    return names


# ---------------------------------------------------------------- redis-server


class RespError(Exception):
    pass


class Set(list):
    """A RESP3 set (kept apart from arrays only for clarity)."""


class Connection:
    """A minimal RESP3 client: enough for HELLO, COMMAND DOCS and COMMAND INFO."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def close(self):
        self.file.close()
        self.sock.close()

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg.encode() if isinstance(arg, str) else arg
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(out))
        return self.read()

    def line(self):
        data = self.file.readline()
        if not data.endswith(b"\r\n"):
            raise RespError("connection closed")
        return data[:-2]

    def read(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind in (b"$", b"="):
            length = int(rest)
            if length < 0:
                return None
            data = self.file.read(length + 2)[:-2]
            return data.decode()
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        if kind == b"*":
            length = int(rest)
            return None if length < 0 else [self.read() for _ in range(length)]
        if kind == b"~":
            return Set(self.read() for _ in range(int(rest)))
        if kind == b"%":
            pairs = [(self.read(), self.read()) for _ in range(int(rest))]
            return dict(pairs)
        raise RespError(f"unexpected reply type {line!r}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A redis-server of our own on a free loopback port, stopped on exit."""

    def __init__(self, binary):
        self.binary = binary

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="gen-command-docs-")
        for _ in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", self.dir],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    conn = Connection(self.port)
                    conn.call("PING")
                    return conn
                except (OSError, RespError):
                    time.sleep(0.05)
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        sys.exit(f"could not start {self.binary}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def fetch(conn, names):
    """(docs, info) of each name, from redis-server."""
    hello = conn.call("HELLO", "3")
    if not hello.get("version", "").startswith("7.0."):
        sys.exit(f"need Redis 7.0.x, the server is {hello.get('version')}")
    docs = conn.call("COMMAND", "DOCS", *names)
    infos = conn.call("COMMAND", "INFO", *names)
    unknown = [name for name, info in zip(names, infos) if info is None or name not in docs]
    if unknown:
        sys.exit(f"unknown to Redis {hello['version']}: {' '.join(unknown)}")
    return [(name, docs[name], info) for name, info in zip(names, infos)]


# ---------------------------------------------------------------- rendering


def string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def option(text):
    return "None" if text is None else f"Some({string(text)})"


def strings(items):
    return "&[" + ", ".join(string(item) for item in items) + "]"


def begin_search(begin):
    spec = begin["spec"]
    if begin["type"] == "index":
        return f"BeginSearch::Index({spec['index']})"
    if begin["type"] == "keyword":
        return (f"BeginSearch::Keyword {{ keyword: {string(spec['keyword'])}, "
                f"start_from: {spec['startfrom']} }}")
    if begin["type"] == "unknown":
        return "BeginSearch::Unknown"
    sys.exit(f"begin_search type not supported: {begin}")


def find_keys(find):
    spec = find["spec"]
    if find["type"] == "range":
        return (f"FindKeys::Range {{ last_key: {spec['lastkey']}, "
                f"key_step: {spec['keystep']}, limit: {spec['limit']} }}")
    if find["type"] == "keynum":
        return (f"FindKeys::KeyNum {{ key_num_index: {spec['keynumidx']}, "
                f"first_key: {spec['firstkey']}, key_step: {spec['keystep']} }}")
    if find["type"] == "unknown":
        return "FindKeys::Unknown"
    sys.exit(f"find_keys type not supported: {find}")


def key_spec(spec):
    fields = [
        f"notes: {option(spec.get('notes'))}",
        f"flags: {strings(spec['flags'])}",
        f"begin_search: {begin_search(spec['begin_search'])}",
        f"find_keys: {find_keys(spec['find_keys'])}",
    ]
    return "KeySpec { " + ", ".join(fields) + " }"


def doc_arg(arg, indent, out):
    fields = [
        f"name: {string(arg['name'])}",
        f"kind: {string(arg['type'])}",
        f"key_spec_index: {arg.get('key_spec_index', -1)}",
        f"token: {option(arg.get('token'))}",
        f"summary: {option(arg.get('summary'))}",
        f"since: {option(arg.get('since'))}",
        f"deprecated_since: {option(arg.get('deprecated_since'))}",
        f"flags: {strings(arg.get('flags', []))}",
    ]
    head = " " * indent + "DocArg { " + ", ".join(fields) + ", args: &["
    children = arg.get("arguments") or []
    if not children:
        out.append(head + "] },")
        return
    out.append(head)
    for child in children:
        doc_arg(child, indent + 4, out)
    out.append(" " * indent + "] },")


def command_doc(name, doc, info):
    tips, key_specs = info[7], info[8]
    out = [
        "    CommandDoc {",
        f"        name: {string(name)},",
        f"        summary: {option(doc.get('summary'))},",
        f"        since: {option(doc.get('since'))},",
        f"        group: {string(doc['group'])},",
        f"        complexity: {option(doc.get('complexity'))},",
        f"        doc_flags: {strings(doc.get('doc_flags', []))},",
        f"        deprecated_since: {option(doc.get('deprecated_since'))},",
        f"        replaced_by: {option(doc.get('replaced_by'))},",
    ]
    history = doc.get("history")
    if history is None:
        out.append("        history: None,")
    else:
        out.append("        history: Some(&[")
        out += [f"            ({string(v)}, {string(text)})," for v, text in history]
        out.append("        ]),")
    out.append(f"        tips: {strings(tips)},")
    out.append("        key_specs: &[")
    out += [f"            {key_spec(spec)}," for spec in key_specs]
    out.append("        ],")
    args = doc.get("arguments")
    if args is None:
        out.append("        args: None,")
    else:
        out.append("        args: Some(&[")
        for arg in args:
            doc_arg(arg, 12, out)
        out.append("        ]),")
    out.append("    },")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--also", nargs="+", default=[], metavar="NAME",
                        help="document these commands too (e.g. before their spec exists)")
    parser.add_argument("--redis-server", default=os.environ.get("REDIS_SERVER", "redis-server"),
                        help="the Redis 7.0.15 binary (default: redis-server on PATH)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()

    binary = shutil.which(options.redis_server) or sys.exit(f"{options.redis_server} not found")
    names = wanted_names(options.also)
    with Server(binary) as conn:
        entries = fetch(conn, names)
        conn.close()
    text = HEADER + "".join(command_doc(*entry) for entry in entries) + FOOTER
    options.output.write_text(text)
    print(f"wrote {len(entries)} commands to {options.output}")


if __name__ == "__main__":
    main()
