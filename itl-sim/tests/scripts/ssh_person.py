"""Logs in to a simulated node's admin CLI with OpenSSH through a real PTY, the way a person
does: keyboard-interactive password typed at the prompt, `show version active`, `exit`.

Usage: ssh_person.py HOST PORT KNOWN_HOSTS   (password in the environment: ITL_OS_PASSWORD)
Prints the whole session transcript; exits 0 when every step was seen, 1 otherwise.
"""
import os
import pty
import select
import signal
import sys
import time

host, port, known_hosts = sys.argv[1], sys.argv[2], sys.argv[3]
password = os.environ["ITL_OS_PASSWORD"]
transcript = bytearray()


def expect(fd, needle, timeout=20.0, since=0):
    """Reads until `needle` appears in the transcript after offset `since`."""
    deadline = time.monotonic() + timeout
    while transcript.find(needle.encode(), since) < 0:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            transcript.extend(chunk)
    return True


def typed(fd, text):
    for ch in text:
        os.write(fd, ch.encode())
        time.sleep(0.02)


pid, fd = pty.fork()
if pid == 0:
    os.execvp("ssh", [
        "ssh", "-tt", "-F", "/dev/null",
        "-p", port,
        "-o", "UserKnownHostsFile=" + known_hosts,
        "-o", "StrictHostKeyChecking=yes",
        "-o", "PreferredAuthentications=keyboard-interactive",
        "-o", "PubkeyAuthentication=no",
        "-o", "NumberOfPasswordPrompts=1",
        "-o", "ConnectTimeout=10",
        "admin@" + host,
    ])

ok = expect(fd, "assword:")
if ok:
    typed(fd, password + "\r")
    ok = expect(fd, "admin:")
if ok:
    mark = len(transcript)
    typed(fd, "show version active\r")
    # The banner also shows the version: look only after the command's echo.
    ok = expect(fd, "show version active", 10, mark)
    echo = transcript.find(b"show version active", mark)
    ok = ok and expect(fd, "Active Master Version:", 10, echo)
    ok = ok and expect(fd, "admin:", 10, echo)
if ok:
    typed(fd, "exit\r")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            transcript.extend(chunk)
if not ok:
    os.kill(pid, signal.SIGTERM)
_, status = os.waitpid(pid, 0)
sys.stdout.write(transcript.decode("utf-8", "replace"))
sys.stdout.write("\n--- ssh exit status %d\n" % os.waitstatus_to_exitcode(status))
sys.exit(0 if ok and os.waitstatus_to_exitcode(status) == 0 else 1)
