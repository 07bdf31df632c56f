"""Where a result goes and what it is called.

Three layouts: `folder` (everything in one chosen folder), `beside` (a subfolder next to each
input) and `mirror` (the input tree re-created under a chosen folder, the default for folder
drops). A name template with `{stem}` `{ext}` `{workflow}` `{batch}` `{date}` `{n}` (default
`{stem}{ext}`, where `{ext}` is the *result's* extension: a JPEG in can give a PNG out).

Server text is untrusted: the result file name only contributes its extension, and every
component is sanitised so that no name can climb out of the destination, hide itself, or be
unusable on Windows. Existing files are never clobbered by surprise: `unique` adds " (2)",
`skip` leaves them, `overwrite` replaces them, and the choice of a unique name is made
atomically (hard link, which fails if the name exists) so two jobs never take the same name.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

from app.domain.choices import Layout, values

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "{stem}{ext}"
BESIDE_SUBFOLDER = "retouched"
TOKENS = ("stem", "ext", "workflow", "batch", "date", "n")

_TOKEN_RE = re.compile(r"\{([^{}]*)\}")
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)
}
_MAX_COMPONENT_BYTES = 180  # leaves room for " (999)" and our temp suffix under 255
_EXT_BY_TYPE = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/webp": ".webp",
}


class NamingError(ValueError):
    """A template or destination the user chose cannot work; the message says why."""


@dataclass(frozen=True)
class NameContext:
    stem: str  # input stem
    ext: str  # result extension with the dot, e.g. ".png"
    workflow: str
    batch: str
    date: str  # YYYY-MM-DD of the batch
    n: int  # 1-based position of the job in its batch


def validate_template(template: str) -> None:
    if not template.strip():
        raise NamingError("the name template is empty")
    stripped = _TOKEN_RE.sub("", template)
    if "{" in stripped or "}" in stripped:
        raise NamingError(f"unbalanced braces in name template {template!r}")
    for token in _TOKEN_RE.findall(template):
        if token not in TOKENS:
            allowed = " ".join("{" + t + "}" for t in TOKENS)
            raise NamingError(f"unknown token {{{token}}} in name template (allowed: {allowed})")


def sanitize_component(text: str, fallback: str = "_") -> str:
    """One safe path component: no separators, control characters, leading dots or Windows traps."""
    text = unicodedata.normalize("NFC", text)
    text = _FORBIDDEN.sub("_", text).strip().strip(".").strip()
    if not text:
        return fallback
    if text.split(".")[0].lower().rstrip() in _WINDOWS_RESERVED:
        text = "_" + text
    return _truncate_utf8(text)


def _truncate_utf8(text: str) -> str:
    if len(text.encode("utf-8")) <= _MAX_COMPONENT_BYTES:
        return text
    root, ext = os.path.splitext(text)
    ext = ext if len(ext.encode("utf-8")) <= 16 else ""
    budget = _MAX_COMPONENT_BYTES - len(ext.encode("utf-8"))
    root = root.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    return (root or "_") + ext


def result_extension(result_name: str, content_type: str, fallback: str = ".jpg") -> str:
    """The result's extension, from the server's name if it looks sane, else its content type."""
    ext = os.path.splitext(result_name or "")[1].lower()
    if re.fullmatch(r"\.[a-z0-9]{1,5}", ext):
        return ext
    return _EXT_BY_TYPE.get((content_type or "").split(";")[0].strip().lower(), fallback)


def render_name(template: str, ctx: NameContext) -> PurePath:
    """The template filled in, as a relative path of sanitised components ('/' makes subfolders)."""
    validate_template(template)
    values = {
        "stem": ctx.stem,
        "ext": ctx.ext,
        "workflow": ctx.workflow,
        "batch": ctx.batch,
        "date": ctx.date,
        "n": str(ctx.n),
    }
    # Token values never create folders: a '/' in a workflow name is just a character.
    filled = _TOKEN_RE.sub(
        lambda m: values[m.group(1)].replace("/", "_").replace("\\", "_"), template
    )
    parts = [sanitize_component(part) for part in re.split(r"[/\\]", filled) if part.strip()]
    if not parts:
        parts = [sanitize_component(ctx.stem + ctx.ext)]
    return PurePath(*parts)


def destination_dir(
    layout: str, out_dir: Path | None, input_path: Path, relative: PurePath
) -> Path:
    """The folder a job's result goes into (before the template's own subfolders)."""
    if layout == "beside":
        base = input_path.parent
        return base / (out_dir.name if out_dir and not out_dir.is_absolute() else BESIDE_SUBFOLDER)
    if out_dir is None:
        raise NamingError(f"the {layout!r} layout needs an output folder")
    if layout == "folder":
        return out_dir
    if layout == "mirror":
        safe_parents = [sanitize_component(p) for p in relative.parent.parts if p not in ("", ".")]
        return out_dir.joinpath(*safe_parents)
    raise NamingError(f"unknown layout {layout!r} (use one of: {', '.join(values(Layout))})")


def inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
    except ValueError:
        return False
    return True


def plan_target(dest: Path, name: PurePath) -> Path:
    target = dest / name
    if not inside(target, dest):  # cannot happen after sanitising; kept as the last guard
        raise NamingError(f"refusing to write outside {dest}: {name}")
    return target


def numbered(path: Path, i: int) -> Path:
    return path.with_name(f"{path.stem} ({i}){path.suffix}")


def place_file(tmp: Path, target: Path, on_exists: str) -> Path | None:
    """Move a finished temp file to its final name under the policy; None when skipped.

    Uses hard links for `unique`/`skip` because link() refuses an existing name atomically,
    where exists()+rename() would race with another job (or machine) taking the same name;
    without hard links, an exclusive create reserves the name first (see `_reserve`).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if on_exists == "overwrite":
        os.replace(tmp, target)
        return target
    candidate = target
    for i in range(2, 10_000):
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            if on_exists == "skip":
                tmp.unlink(missing_ok=True)
                return None
            candidate = numbered(target, i)
            continue
        except OSError:
            # File systems without hard links (FAT, SMB shares of Windows servers): the name is
            # reserved by an exclusive create, which those honour too, and the result replaces
            # the empty placeholder. Another machine's exclusive create of the name then fails,
            # where "exists? then replace" let both see it free and the second overwrite.
            if not _reserve(candidate):
                if on_exists == "skip":
                    tmp.unlink(missing_ok=True)
                    return None
                candidate = numbered(target, i)
                continue
            os.replace(tmp, candidate)
            return candidate
        tmp.unlink(missing_ok=True)
        return candidate
    raise NamingError(f"no free name for {target} after 10,000 attempts")


def _reserve(path: Path) -> bool:
    """Create `path` empty unless it exists; False when it does (or was taken meanwhile)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    os.close(fd)
    return True
