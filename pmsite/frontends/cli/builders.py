"""``pmsite generate`` and ``pmsite build``: the knowledge base for builders with and without plugins."""

from __future__ import annotations

import argparse

from pmsite.errors import EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from pmsite.frontends.zensical.generate import generate

    generate(args.config_file, args.out)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from pmsite.frontends.builders import build

    build(args.config_file, args.builder, out=args.out, strict=args.strict)
    return EXIT_OK
