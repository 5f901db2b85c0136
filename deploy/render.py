"""Fill the @PLACEHOLDERS@ of a deploy template: `python deploy/render.py TEMPLATE KEY=VALUE...`
prints the result. Refuses (exit status 2) an unknown key, a placeholder left unfilled, or a
value that could break out of an nginx directive (space, quote, ';', '{', '}', '$', '#')."""

import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
UNSAFE = re.compile(r"[\s;{}$#'\"\\]")


class RenderError(ValueError):
    pass


def render(template: str, values: dict[str, str]) -> str:
    wanted = set(PLACEHOLDER.findall(template))
    if unknown := sorted(set(values) - wanted):
        raise RenderError(f"not in the template: {', '.join(unknown)}")
    if missing := sorted(wanted - set(values)):
        raise RenderError(f"missing: {', '.join(missing)}")
    for key, value in values.items():
        if not value or UNSAFE.search(value):
            raise RenderError(f"{key}: empty, or a character nginx would read as syntax")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not all("=" in arg for arg in argv[2:]):
        print(__doc__, file=sys.stderr)
        return 2
    values = dict(arg.split("=", 1) for arg in argv[2:])
    try:
        sys.stdout.write(render(Path(argv[1]).read_text(), values))
    except RenderError as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
