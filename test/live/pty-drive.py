#!/usr/bin/env python3
"""Drives terminal sessions through pseudo-terminals, as a person at a keyboard would.

Reads a JSON script on stdin: a list of actions, run in order:
  {"open": NAME, "argv": [...], "env": {...}}   start a program on a new pty (80x24)
  {"send": NAME, "text": "..."}                  type text (\r for Enter, \x03 Ctrl-C, \x04 Ctrl-D)
  {"wait": NAME, "regex": "...", "timeout": S}   wait until the session's output since the last
                                                 wait matches (bounded: fails after S seconds)
  {"close": NAME, "timeout": S}                  wait for the program to exit (killed after S)
Prints JSON: each session's whole output, exit status and the seconds from its start to its
first wait's match; exits 1 (with the reason) when a wait times out. Every child is killed at the end.
"""
import json, os, pty, re, select, signal, struct, fcntl, termios, sys, time

sessions = {}

def pump(s, until):
    while True:
        left = until - time.monotonic()
        if left <= 0: return False
        r, _, _ = select.select([s["fd"]], [], [], min(left, 0.2))
        if r:
            try: data = os.read(s["fd"], 65536)
            except OSError: data = b""
            if not data:
                s["eof"] = True
                return True
            s["out"] += data
            return True

def main():
    script = json.load(sys.stdin)
    result = {"ok": True, "sessions": {}}
    try:
        for a in script:
            if "open" in a:
                env = dict(os.environ, **a.get("env", {}))
                pid, fd = pty.fork()
                if pid == 0:
                    os.execvpe(a["argv"][0], a["argv"], env)
                fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
                sessions[a["open"]] = {"pid": pid, "fd": fd, "out": b"", "mark": 0, "t0": time.monotonic(), "first": None, "eof": False, "status": None}
            elif "send" in a:
                os.write(sessions[a["send"]]["fd"], a["text"].encode())
            elif "wait" in a:
                s = sessions[a["wait"]]
                rx = re.compile(a["regex"].encode(), re.S)
                until = time.monotonic() + a.get("timeout", 10)
                while True:
                    m = rx.search(s["out"], s["mark"])
                    if m:
                        s["mark"] = m.end()
                        if s["first"] is None: s["first"] = time.monotonic() - s["t0"]
                        break
                    if s["eof"] or not pump(s, until):
                        raise RuntimeError(f"{a['wait']}: no {a['regex']!r} within {a.get('timeout', 10)} s; output so far: {s['out'][s['mark']:][-2000:]!r}")
            elif "close" in a:
                s = sessions[a["close"]]
                until = time.monotonic() + a.get("timeout", 10)
                while time.monotonic() < until:
                    pid, st = os.waitpid(s["pid"], os.WNOHANG)
                    if pid:
                        s["status"] = os.waitstatus_to_exitcode(st)
                        break
                    pump(s, min(until, time.monotonic() + 0.2))
                if s["status"] is None:
                    raise RuntimeError(f"{a['close']}: still running after {a.get('timeout', 10)} s")
                while pump(s, time.monotonic() + 0.05) and not s["eof"]: pass
    except Exception as e:
        result["ok"] = False
        result["error"] = str(e)
    finally:
        for name, s in sessions.items():
            if s["status"] is None:
                try:
                    os.kill(s["pid"], signal.SIGKILL)
                    os.waitpid(s["pid"], 0)
                except OSError: pass
            try: os.close(s["fd"])
            except OSError: pass
            result["sessions"][name] = {"output": s["out"].decode("utf-8", "replace"), "status": s["status"], "firstMatch": s["first"]}
    json.dump(result, sys.stdout)
    return 0 if result["ok"] else 1

sys.exit(main())
