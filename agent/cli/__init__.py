"""The `sarto` command line. Heavy modules are imported inside commands so `--help` is instant;
each module registers its commands on the one `app`."""

from agent.cli import bench, catalog, shop  # noqa: F401  (registers the commands)
from agent.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
