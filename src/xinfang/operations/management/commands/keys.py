"""`xinfang keys status` and `xinfang keys rotate`: what the data is sealed under, and moving it to the current
key and algorithm (docs/OPERATIONS.md, 轮换密钥)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from xinfang.operations.keys import KeyRotationError, keys_rotate, keys_status
from xinfang.petitions import crypto


class Command(BaseCommand):
    help = "数据密钥：查看各列、各文件所用的算法和密钥 (status)，或全部重新加密到当前密钥和算法 (rotate)。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status", help="各列、各文件的密文按格式/算法/密钥计数")
        rotate = actions.add_parser("rotate", help="分批重新加密到当前密钥和算法；可中断，重跑即继续")
        rotate.add_argument("--batch", type=int, default=500, help="每批的行数，每批一个事务（默认 500）")
        rotate.add_argument("--pause", type=float, default=0.0,
                            help="每批之后暂停的秒数，给繁忙的数据库让路（默认 0）")

    def handle(self, *args, **options):
        if options["action"] == "status":
            return self._status()
        return self._rotate(batch=options["batch"], pause=options["pause"])

    def _status(self):
        status = keys_status()
        self.stdout.write(f"当前算法 {crypto.ALGORITHM_NAMES[crypto.current_algorithm()]}，当前密钥 "
                          f"{crypto.current_key_id()}，已退役密钥 {', '.join(crypto.retired_key_ids()) or '无'}")
        for (label, form, algorithm, key), count in sorted(status.counts.items()):
            self.stdout.write(f"{label}\t{form}\t{algorithm}\t{key}\t{count}")
        self.stdout.write(f"待重新加密 {status.pending} 个；无法解密（密钥未配置） {status.unreadable} 个；"
                          f"未加密的附件文件 {status.plaintext_files} 个；缺失的附件文件 {status.missing_files} 个")
        self.stdout.write(f"索引密钥抽查：{status.index_checked} 位信访人，不符 {status.index_mismatched} 位")
        if status.unreadable or (status.index_checked and status.index_mismatched == status.index_checked):
            raise CommandError("有数据无法解密或索引密钥不符，见上")

    def _rotate(self, *, batch: int, pause: float):
        def progress(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        try:
            result = keys_rotate(batch=batch, pause=pause, progress=progress)
        except KeyRotationError as error:
            raise CommandError(str(error)) from None
        for label, count in sorted(result.rewritten.items()):
            self.stdout.write(f"{label}\t重新加密 {count}")
        self.stdout.write(f"共重新加密 {result.total} 个值，已是当前密钥或无需加密 {result.skipped} 个 (rotated)")
        if result.failures:
            for failure in result.failures[:50]:
                self.stderr.write(failure)
            raise CommandError(f"{len(result.failures)} 个值无法解密，未重新加密（见上；配置其密钥后重跑）")
