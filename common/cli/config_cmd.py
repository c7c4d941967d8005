"""`hall config show|set|init|path`: this machine's machine.toml (role, site, window, printer, database…)."""

from __future__ import annotations

from common.cli import CliContext


def register(sub, parent) -> None:
    p = sub.add_parser("config", parents=[parent], help="本机配置：查看、修改、生成默认配置文件")
    cs = p.add_subparsers(dest="config_command", metavar="操作", required=True)
    show = cs.add_parser("show", parents=[parent], help="列出全部选项的当前值")
    show.set_defaults(handler=_show)
    st = cs.add_parser("set", parents=[parent], help="修改一个选项，如 hall config set printer.kind network")
    st.add_argument("key")
    st.add_argument("value")
    st.set_defaults(handler=_set)
    init = cs.add_parser("init", parents=[parent], help="生成带说明的默认配置文件")
    init.add_argument("--force", action="store_true", help="覆盖已有文件")
    init.set_defaults(handler=_init)
    path = cs.add_parser("path", parents=[parent], help="显示配置文件位置")
    path.set_defaults(handler=_path)


def _path_arg(ctx: CliContext):
    from common.config import default_config_path

    return ctx.args.config or default_config_path()


def _show(ctx: CliContext) -> int:
    from common.config import iter_options

    values = ctx.config.as_dict()

    def text() -> str:
        lines = [f"# {ctx.config.source or _path_arg(ctx)}"]
        for spec in iter_options():
            lines.append(f"{spec.key} = {values[spec.key]!r}    # {spec.description}")
        return "\n".join(lines)

    ctx.emit(values, text)
    return 0


def _set(ctx: CliContext) -> int:
    from common.config import set_option

    cfg = set_option(_path_arg(ctx), ctx.args.key, ctx.args.value)
    ctx.emit({ctx.args.key: cfg.get(ctx.args.key)}, f"已设置 {ctx.args.key} = {cfg.get(ctx.args.key)!r}")
    return 0


def _init(ctx: CliContext) -> int:
    from common.config import write_default_config

    path = write_default_config(_path_arg(ctx), overwrite=ctx.args.force)
    ctx.emit({"path": str(path)}, f"已生成配置文件：{path}")
    return 0


def _path(ctx: CliContext) -> int:
    path = _path_arg(ctx)
    ctx.emit({"path": str(path)}, str(path))
    return 0
