"""kazmig as a service: Dagster's daemon (schedules, sensors, the run queue) and its webserver,
started as Dagster documents for a deployment (`dagster-daemon run` and `dagster-webserver`, one
instance under DAGSTER_HOME with config/dagster.yaml, one workspace), and stopped together.

`make service` (and `make ui`) run `python -m pipelines.service`. It refuses at once a port that
is taken, rather than letting the webserver fail while the daemon goes on; on SIGTERM, SIGINT or
SIGHUP it stops both with every process they started (code servers, runs) and exits 0; when one
of them dies on its own it stops the other and exits 1, so systemd (scripts/kazmig.service)
restarts the pair."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pipelines import settings

WORKSPACE = settings.REPO_ROOT / "config" / "workspace.yaml"
EXIT_BUSY = 75
GRACE = 20.0  # seconds the children get to stop before they are killed


def _say(message: str) -> None:
    print(f"kazmig service: {message}", file=sys.stderr, flush=True)


def port_taken(host: str, port: int) -> str | None:
    """Why the webserver could not listen on host:port (None when it can)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def dagster_home() -> Path:
    """DAGSTER_HOME (default KAZMIG_HOME/.dagster) with the repository's dagster.yaml in it."""
    home = settings.dagster_home().resolve()
    home.mkdir(parents=True, exist_ok=True)
    ours = settings.REPO_ROOT / "config" / "dagster.yaml"
    config = home / "dagster.yaml"
    if not config.exists() or config.read_bytes() != ours.read_bytes():
        shutil.copyfile(ours, config)
    return home


def _stop(children: list[subprocess.Popen]) -> None:
    """SIGTERM to each child's process group (each started its own), then SIGKILL after GRACE."""
    for child in children:
        if child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + GRACE
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for child in children:  # what is left of each group (a run, a code server), stopped or not
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kazmig service", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 3000))
    parser.add_argument("--no-webserver", action="store_true", help="the daemon alone (no UI)")
    args = parser.parse_args(argv)

    if not args.no_webserver:
        taken = port_taken(args.host, args.port)
        if taken:
            _say(
                f"cannot serve the UI on {args.host}:{args.port}: {taken} (another Dagster UI or program "
                f"holds it); choose another port, e.g. `make ui PORT={args.port + 1}`"
            )
            return EXIT_BUSY
    from pipelines.dbt.manifest import prepare

    prepare()  # once, before two processes load the definitions
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home())}
    bin_dir = Path(sys.executable).parent
    commands = [[str(bin_dir / "dagster-daemon"), "run", "-w", str(WORKSPACE)]]
    if not args.no_webserver:
        commands.append(
            [str(bin_dir / "dagster-webserver"), "-h", args.host, "-p", str(args.port), "-w", str(WORKSPACE)]
        )

    stop_signal: list[int] = []

    def on_signal(signum, frame) -> None:
        stop_signal.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    # Each child leads its own process group: Ctrl-C in the terminal reaches this process only,
    # and stopping a group stops everything that child started.
    children = [subprocess.Popen(cmd, env=env, start_new_session=True) for cmd in commands]
    _say(
        f"Dagster daemon started (DAGSTER_HOME={env['DAGSTER_HOME']})"
        + ("" if args.no_webserver else f"; UI on http://{args.host}:{args.port}")
    )
    try:
        while not stop_signal:
            dead = [c for c in children if c.poll() is not None]
            if dead:
                _say(f"{Path(dead[0].args[0]).name} exited with {dead[0].returncode}; stopping the rest")
                _stop(children)
                return 1
            time.sleep(0.5)
    finally:
        if stop_signal:
            _stop(children)
    _say(f"stopped by {signal.Signals(stop_signal[0]).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
