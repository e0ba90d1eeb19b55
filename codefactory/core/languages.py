"""Languages are data: `languages/<id>.toml` holds the facts, a renderer class the behaviour."""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codefactory.core.equality import Leniency
from codefactory.core.errors import ConfigError, did_you_mean
from codefactory.core.paths import data_root

if TYPE_CHECKING:
    from codefactory.renderers.base import Renderer


@dataclass(frozen=True)
class Limits:
    wall_s: float = 10.0
    memory_mb: int = 256
    pids: int = 64
    cpus: float = 1.0
    output_bytes: int = 1 << 20
    tmpfs_mb: int = 16
    # Compiled targets build and run their binary in /tmp: only they get an exec tmpfs. The
    # binary never leaves the container.
    tmpfs_exec: bool = False


@dataclass(frozen=True)
class GrammarRules:
    """What the syntax gate needs; plain data, so it can cross into the parser's worker."""

    language: str  # "module:function" returning the tree-sitter language pointer
    function_query: str  # captures @name for every function definition
    forbidden_nodes: dict[str, str] = field(default_factory=dict)  # node type -> reason
    # Example usage the model appends ("echo f(1);", "$r = f(2);") runs before the harness and
    # can crash it: top-level statements of these types that call a function the candidate
    # defines are dropped, and `drop_always` types are dropped outright.
    example_statements: tuple[str, ...] = ()
    drop_always: tuple[str, ...] = ()
    call_node: str = ""
    call_name_field: str = "function"  # the call node's field holding the callee


@dataclass(frozen=True)
class ReservedNames:
    """Plain data, so it can cross into the syntax gate's worker process."""

    names: frozenset[str] = field(default_factory=frozenset)  # lower-cased if case_insensitive
    case_insensitive: bool = False  # PHP: function names are case-insensitive

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return (name.lower() if self.case_insensitive else name) in self.names

    def safe(self, name: str) -> str:
        """`name` itself when the target allows it, else `name_` (`name__`, ...)."""
        while name in self:
            name += "_"
        return name


@dataclass(frozen=True)
class Language:
    id: str
    name: str
    aliases: tuple[str, ...]
    extension: str
    fence_tags: tuple[str, ...]
    renderer_ref: str
    grammar: GrammarRules
    image: str
    context_dir: Path
    program_file: str
    run: tuple[str, ...]
    version_cmd: tuple[str, ...]
    limits: Limits
    leniency: Leniency
    error_patterns: dict[str, tuple[str, ...]]
    is_target: bool = True
    conformance: dict[str, str] = field(default_factory=dict)  # programs the suite runs
    # Programs that try to reach the harness (name -> program); none may pass
    # (docs/architecture.md §5).
    attacks: dict[str, str] = field(default_factory=dict)
    prompt_note: str = ""  # one line the translate prompt adds for this language
    # What a whole source file of the language starts with (PHP's `<?php`): the dataset's
    # target_code is a file as other corpora of the language have them; the harness strips it.
    file_header: str = ""
    # `[names]`: what an entry point cannot be called (judge/entry_names.py gives it `name_`).
    names: ReservedNames = field(default_factory=ReservedNames)

    @property
    def renderer(self) -> Renderer:
        return _renderer(self.renderer_ref)


@cache
def _renderer(ref: str) -> Renderer:
    module_name, _, class_name = ref.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()  # type: ignore[no-any-return]


def _parse(path: Path, root: Path) -> Language:
    """`root` is the folder the file's sandbox context is relative to (paths.data_root)."""
    try:
        data = tomllib.loads(path.read_text())
        grammar, sandbox = data["grammar"], data["sandbox"]
        return Language(
            id=data["id"],
            name=data["name"],
            aliases=tuple(data.get("aliases", ())),
            extension=data["extension"],
            fence_tags=tuple(data["fence_tags"]),
            renderer_ref=data["renderer"],
            grammar=GrammarRules(
                language=grammar["language"],
                function_query=grammar["function_query"],
                forbidden_nodes=dict(grammar.get("forbidden_nodes", {})),
                example_statements=tuple(grammar.get("example_statements", ())),
                drop_always=tuple(grammar.get("drop_always", ())),
                call_node=grammar.get("call_node", ""),
                call_name_field=grammar.get("call_name_field", "function"),
            ),
            image=sandbox["image"],
            context_dir=root / sandbox["context"],
            program_file=sandbox["program_file"],
            run=tuple(sandbox["run"]),
            version_cmd=tuple(sandbox.get("version", ())),
            limits=Limits(**data.get("limits", {})),
            leniency=Leniency(**data.get("equality", {})),
            error_patterns={k: tuple(v) for k, v in data.get("errors", {}).items()},
            is_target=bool(data.get("target", True)),
            conformance=dict(data.get("conformance", {})),
            attacks=dict(data.get("attacks", {})),
            prompt_note=str(data.get("prompt_note", "")),
            file_header=str(data.get("file_header", "")),
            names=_names(data.get("names", {})),
        )
    except (KeyError, TypeError, AttributeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid language file ({exc!r})") from exc


def _names(table: dict[str, Any]) -> ReservedNames:
    """`keywords` (names that cannot name a function) and `builtins` (names the runtime holds,
    so that a function declared under one fails, or its own calls reach the builtin), and
    whether names are `case_insensitive` (then kept lower-cased)."""
    insensitive = bool(table.get("case_insensitive", False))
    names = [str(n) for key in ("keywords", "builtins") for n in table.get(key, [])]
    return ReservedNames(frozenset(n.lower() if insensitive else n for n in names), insensitive)


@cache
def all_languages() -> dict[str, Language]:
    langs = {}
    root = data_root()
    for path in sorted((root / "languages").glob("*.toml")):
        lang = _parse(path, root)
        if lang.id != path.stem:
            raise ConfigError(f"{path}: id {lang.id!r} must match the file name")
        langs[lang.id] = lang
    return langs


def get_language(name: str) -> Language:
    langs = all_languages()
    for lang in langs.values():
        if name == lang.id or name in lang.aliases:
            return lang
    targets = ", ".join(sorted(k for k, v in langs.items() if v.is_target))
    names = [n for lang in langs.values() for n in (lang.id, *lang.aliases)]
    raise ConfigError(
        f"unknown language {name!r}; available targets: {targets}" + did_you_mean(name, names)
    )


def parse_targets(spec: str) -> Sequence[Language]:
    """`php,lua` -> [Language(php), Language(lua)]; rejects non-target languages and suggests
    the closest target id or alias for a misspelt one."""
    targets = [lang for lang in all_languages().values() if lang.is_target]
    available = ", ".join(sorted(lang.id for lang in targets))
    names = [name for lang in targets for name in (lang.id, *lang.aliases)]
    langs = []
    for part in (part.strip() for part in spec.split(",")):
        if not part:
            continue
        try:
            lang = get_language(part)
        except ConfigError:
            raise ConfigError(
                f"unknown language {part!r}; available targets: {available}"
                + did_you_mean(part, names)
            ) from None
        if not lang.is_target:
            raise ConfigError(
                f"{lang.id} is not a translation target; available targets: {available}"
            )
        langs.append(lang)
    if not langs:
        raise ConfigError("no target language given (e.g. --target php)")
    return langs
