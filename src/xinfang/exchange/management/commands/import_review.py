"""`xinfang import_review list|confirm|dismiss`: the clerk's review of an import's 疑似重复信访 (docs/IMPORT.md)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.exchange.models import RepeatProposal
from xinfang.exchange.review import proposal_confirm, proposal_dismiss, proposals_pending
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition


class Command(BaseCommand):
    help = ("导入后复核疑似重复信访 (review the repeats an import proposed). `list --user NAME`: those waiting, "
            "with the judgement's reasons; `confirm ID --user NAME [--reason TEXT]`: link as 重件 (repeat_link); "
            "`dismiss ID --user NAME --reason TEXT`: not the same matter. The user needs a role that may link "
            "repeats (登记员, 审核员, 管理员) and sees only the petitions of their scope.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "confirm", "dismiss"])
        parser.add_argument("proposal", nargs="?", type=int, help="confirm/dismiss: the proposal's number")
        parser.add_argument("--user", required=True)
        parser.add_argument("--reason", default="")
        parser.add_argument("--limit", type=int, default=100, help="list: at most this many")

    def handle(self, *args, **options):
        user = User.objects.select_related("org").filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {options['user']} 的有效用户")
        if options["action"] == "list":
            pending = proposals_pending(actor=user)
            self.stdout.write(f"待确认的疑似重复信访 {pending.count()} 件")
            for proposal in pending[:max(1, options["limit"])]:
                self._line(proposal)
            return
        if options["proposal"] is None:
            raise CommandError("请给出疑似重复信访的编号（见 list）")
        try:
            if options["action"] == "confirm":
                petition = proposal_confirm(actor=user, proposal_id=options["proposal"], reason=options["reason"])
                self.stdout.write(f"已确认：{petition.number} 为重件，初件 "
                                  f"{Petition.objects.get(pk=petition.first_petition_id).number}")
            else:
                proposal_dismiss(actor=user, proposal_id=options["proposal"], reason=options["reason"])
                self.stdout.write("已排除，初件/重件未改动")
        except (ValidationError, PermissionDenied, RepeatProposal.DoesNotExist) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("；".join(messages)) from error

    def _line(self, proposal: RepeatProposal) -> None:
        received = timezone.localtime(proposal.petition.received_at).date().isoformat()
        self.stdout.write(
            f"[{proposal.pk}] {proposal.petition.number}（{received}）→ 初件 {proposal.first_petition.number}"
            f"（所比对 {proposal.candidate.number}）同一事项的可能性 {proposal.matter_score:.2f}：{proposal.reasons}"
            + (f"；{proposal.skip_level_note}" if proposal.skip_level_note else ""))
