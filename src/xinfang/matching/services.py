"""Writes: identity keys and links, petitioner merges, repeat links (初件/重件), skip-level marks, mass matters.

Every change a person makes is one transaction, checked here (role and scope), audited, and recorded on each
petition it touches, so it can be undone: a link by an unlink or a split, a merge by an unmerge.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.matching import identity
from xinfang.matching.models import (
    IdentityKey,
    IdentityLink,
    MassCluster,
    MassClusterMember,
    PetitionerMerge,
    RepeatIntent,
    RepeatLinkEvent,
    SkipLevelMark,
)
from xinfang.matching.selectors import (
    CLUSTER_MIN_PETITIONERS,
    matter_member_ids,
    matter_root_id,
    petitioner_visible_to,
    same_matter_ids,
)
from xinfang.matching.text import petition_text, similar_to
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.permissions import require_role
from xinfang.petitions.models import Channel, Petition, PetitionEvent, PetitionParty, Petitioner, PetitionType
from xinfang.petitions.selectors import petitions_visible_to

LINK_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER, Role.ADMINISTRATOR)
# Undoing someone's judgement (unlink, split) and merging people is for the office's reviewers.
CORRECT_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)
MERGE_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)

EVENT_TITLES = {
    "repeat_link": "关联为重复信访",
    "repeat_unlink": "撤销重复关联",
    "matter_split": "拆分事项",
    "matter_reroot": "初件变更",
    "petitioner_merge": "合并信访人",
    "petitioner_unmerge": "撤销合并信访人",
}


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": ["请填写理由"]})
    return text[:200]


def _event(*, petition_id: int, kind: str, actor: User | None, note: str, data: dict) -> None:
    PetitionEvent.objects.create(
        petition_id=petition_id, kind=kind, title=EVENT_TITLES[kind], actor=actor,
        actor_org=actor.org if actor is not None else None, occurred_at=timezone.now(), note=note[:500], data=data,
    )


# --- identity keys and links ---------------------------------------------------------------------------


def _wanted_keys(petitioner: Petitioner) -> dict[str, str]:
    return {
        IdentityKey.Kind.NAME_ADDRESS: identity.name_address_key(petitioner.name, petitioner.address),
        IdentityKey.Kind.NAME_BIRTH_DATE: identity.name_birth_key(petitioner.name, petitioner.id_number),
    }


def identity_keys_refresh(*, petitioners: Iterable[Petitioner]) -> None:
    """(Re)write the name+address and name+birth date keys of these petitioners (decrypted in memory).

    One read and at most three writes for any number of petitioners (a registration's few, an import's batch).
    """
    people = [p for p in petitioners if p.kind == Petitioner.Kind.PERSON]
    if not people:
        return
    existing = {(key.petitioner_id, key.kind): key
                for key in IdentityKey.objects.filter(petitioner_id__in=[p.pk for p in people])}
    stale, changed, new = [], [], []
    for petitioner in people:
        for kind, value in _wanted_keys(petitioner).items():
            key = existing.get((petitioner.pk, kind))
            if not value:
                if key is not None:
                    stale.append(key.pk)
            elif key is None:
                new.append(IdentityKey(petitioner=petitioner, kind=kind, value=value))
            elif key.value != value:
                key.value = value
                changed.append(key)
    if stale:
        IdentityKey.objects.filter(pk__in=stale).delete()
    if changed:
        IdentityKey.objects.bulk_update(changed, ["value"])
    if new:
        IdentityKey.objects.bulk_create(new)


def _sharing(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """value → the ids having it, in id order."""
    members: dict[str, list[int]] = defaultdict(list)
    for value, pk in pairs:
        members[value].append(pk)
    for ids in members.values():
        ids.sort()
    return members


def identity_links_detect(*, petitioners: Iterable[Petitioner]) -> list[IdentityLink]:
    """Record links from these petitioners to other records of the same person; dismissed links stay dismissed.

    One read per kind of evidence for the whole list. A phone or key shared by MAX_SHARED people or more
    is no evidence.
    """
    people = list({p.pk: p for p in petitioners}.values())
    if not people:
        return []
    id_indexes = {p.id_number_index for p in people if p.id_number_index}
    phones = {p.phone_index for p in people if p.phone_index}
    by_id = _sharing(Petitioner.objects.filter(id_number_index__in=id_indexes)
                     .values_list("id_number_index", "pk")) if id_indexes else {}
    by_phone = _sharing(Petitioner.objects.filter(phone_index__in=phones)
                        .values_list("phone_index", "pk")) if phones else {}
    own_keys = _sharing((f"{kind}:{value}", pk) for kind, value, pk in IdentityKey.objects.filter(
        petitioner_id__in=[p.pk for p in people]).values_list("kind", "value", "petitioner_id"))
    keys_of: dict[int, list[str]] = defaultdict(list)
    for composite, ids in own_keys.items():
        for pk in ids:
            keys_of[pk].append(composite)
    by_key = _sharing((f"{kind}:{value}", pk) for kind, value, pk in IdentityKey.objects.filter(
        value__in={composite.split(":", 1)[1] for composite in own_keys}).values_list("kind", "value", "petitioner_id")
    ) if own_keys else {}

    found: dict[tuple[int, int, str], str] = {}  # (lower id, higher id, method) → reason
    for petitioner in people:
        def add(others: list[int], method: str, reason: str, pk: int = petitioner.pk) -> None:
            for other in others:
                found[(min(pk, other), max(pk, other), method)] = reason

        if petitioner.id_number_index:
            others = [pk for pk in by_id.get(petitioner.id_number_index, []) if pk != petitioner.pk]
            add(others[:50], IdentityLink.Method.ID_NUMBER, "证件号码的索引相同")
        if petitioner.phone_index:
            others = [pk for pk in by_phone.get(petitioner.phone_index, []) if pk != petitioner.pk]
            if len(others) < MAX_SHARED:  # a number shared by many is no evidence
                add(others, IdentityLink.Method.PHONE, "联系电话相同")
        for composite in keys_of.get(petitioner.pk, []):
            others = [pk for pk in by_key.get(composite, []) if pk != petitioner.pk]
            if len(others) >= MAX_SHARED:
                continue
            if composite.startswith(f"{IdentityKey.Kind.NAME_ADDRESS}:"):
                add(others, IdentityLink.Method.NAME_ADDRESS, "姓名相同且住址相同（无证件号码可比）")
            else:
                add(others, IdentityLink.Method.NAME_BIRTH_DATE, "姓名相同且出生日期相同（证件号码不同）")
    if not found:
        return []
    ids = {pk for a, b, _ in found for pk in (a, b)}
    existing = set(IdentityLink.objects.filter(petitioner_a_id__in=ids, petitioner_b_id__in=ids)
                   .values_list("petitioner_a_id", "petitioner_b_id", "method"))
    created = [IdentityLink(petitioner_a_id=a, petitioner_b_id=b, method=method, reason=reason,
                            confidence=identity.CONFIDENCE[method])
               for (a, b, method), reason in found.items() if (a, b, method) not in existing]
    # ignore_conflicts: a concurrent registration may have recorded the same link meanwhile.
    return IdentityLink.objects.bulk_create(created, ignore_conflicts=True)


@transaction.atomic
def identity_link_dismiss(*, actor: User, link_id: int, reason: str) -> IdentityLink:
    """Mark an identity link wrong (kept, and not proposed again); audited."""
    require_role(actor, MERGE_ROLES, action="撤销身份关联")
    reason = _reason(reason)
    link = IdentityLink.objects.select_for_update().get(pk=link_id)
    if not (petitioner_visible_to(user=actor, petitioner_id=link.petitioner_a_id)
            or petitioner_visible_to(user=actor, petitioner_id=link.petitioner_b_id)):
        raise IdentityLink.DoesNotExist
    if link.dismissed_at is not None:
        raise ValidationError({"link": ["该身份关联已撤销"]})
    link.dismissed_at, link.dismissed_by, link.dismiss_reason = timezone.now(), actor, reason
    link.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_reason"])
    audit_record(actor=actor, action="matching.identity_link_dismiss", target=link,
                 data={"a": link.petitioner_a_id, "b": link.petitioner_b_id, "method": link.method, "reason": reason})
    return link


# --- merging petitioner records ------------------------------------------------------------------------

_FILLABLE = (("id_number", "id_number_index"), ("phone", "phone_index"), ("address", None))


@transaction.atomic
def petitioner_merge(*, actor: User, source_id: int, target_id: int, reason: str) -> PetitionerMerge:
    """Merge `source` into `target`: its petitions move to the target, and the merge record keeps exactly what
    moved so that `petitioner_unmerge` can put it back."""
    require_role(actor, MERGE_ROLES, action="合并信访人")
    reason = _reason(reason)
    if source_id == target_id:
        raise ValidationError({"target": ["不能与自身合并"]})
    for pk in (source_id, target_id):
        if not petitioner_visible_to(user=actor, petitioner_id=pk):
            raise Petitioner.DoesNotExist("信访人不存在或无权查看")
    locked = {p.pk: p for p in Petitioner.objects.select_for_update().filter(pk__in=[source_id, target_id])
              .order_by("pk")}
    source, target = locked[source_id], locked[target_id]
    active = PetitionerMerge.objects.filter(unmerged_at__isnull=True)
    if active.filter(source_id=source_id).exists():
        raise ValidationError({"source": ["该信访人已被合并到其他记录"]})
    if active.filter(source_id=target_id).exists():
        raise ValidationError({"target": ["目标信访人已被合并到其他记录，请选择合并后的记录"]})
    if source.kind != target.kind:
        raise ValidationError({"target": ["个人与单位不能合并"]})
    if source.id_number_index and target.id_number_index and source.id_number_index != target.id_number_index:
        # Two different valid ID numbers are two people in law; a clerk's doubt is not enough to merge them.
        raise ValidationError({"target": ["两条记录的证件号码不同，不能合并"]})

    moved, dropped = [], []
    target_petitions = set(PetitionParty.objects.filter(petitioner=target).values_list("petition_id", flat=True))
    for party in PetitionParty.objects.select_for_update().filter(petitioner=source).order_by("pk"):
        if party.petition_id in target_petitions:
            # Both records were parties of one petition: the target's party stays; remember this one.
            dropped.append({"petition": party.petition_id, "position": party.position,
                            "is_representative": party.is_representative})
            party.delete()
        else:
            moved.append([party.pk, party.petition_id])
    PetitionParty.objects.filter(pk__in=[pk for pk, _ in moved]).update(petitioner=target)

    filled = []
    for name, index in _FILLABLE:
        if getattr(source, name) and not getattr(target, name):
            setattr(target, name, getattr(source, name))
            if index:
                setattr(target, index, getattr(source, index))
            filled.append(name)
    snapshot = {
        "parties": moved, "dropped": dropped, "filled": filled,
        "filled_indexes": {index: getattr(target, index) for name, index in _FILLABLE if index and name in filled},
        "source_indexes": {"id_number_index": source.id_number_index, "phone_index": source.phone_index,
                           "name_index": source.name_index},
        "source_keys": list(IdentityKey.objects.filter(petitioner=source).values_list("kind", "value")),
        "target_keys": list(IdentityKey.objects.filter(petitioner=target).values_list("kind", "value")),
    }
    # The merged-away record keeps its data but is no longer found: look-ups reach the target instead.
    source.id_number_index = source.phone_index = source.name_index = ""
    source.save(update_fields=["id_number_index", "phone_index", "name_index", "updated_at"])
    IdentityKey.objects.filter(petitioner=source).delete()
    if filled:
        target.save(update_fields=[*filled, *snapshot["filled_indexes"], "updated_at"])
        identity_keys_refresh(petitioners=[target])
    merge = PetitionerMerge.objects.create(source=source, target=target, reason=reason, snapshot=snapshot,
                                           merged_by=actor, merged_at=timezone.now())
    for petition_id in sorted({petition for _, petition in moved} | {d["petition"] for d in dropped}):
        _event(petition_id=petition_id, kind="petitioner_merge", actor=actor, note=reason,
               data={"merge": merge.pk, "source": source.pk, "target": target.pk})
    audit_record(actor=actor, action="matching.petitioner_merge", target=merge,
                 data={"source": source.pk, "target": target.pk, "parties": len(moved), "dropped": len(dropped),
                       "filled": filled, "reason": reason})
    return merge


@transaction.atomic
def petitioner_unmerge(*, actor: User, merge_id: int, reason: str) -> PetitionerMerge:
    """Undo a merge exactly: parties back to the source, its indexes and keys restored, filled fields cleared."""
    require_role(actor, MERGE_ROLES, action="撤销合并信访人")
    reason = _reason(reason)
    merge = PetitionerMerge.objects.select_for_update().get(pk=merge_id)
    if not petitioner_visible_to(user=actor, petitioner_id=merge.target_id):
        raise PetitionerMerge.DoesNotExist
    if merge.unmerged_at is not None:
        raise ValidationError({"merge": ["该合并已撤销"]})
    later = PetitionerMerge.objects.filter(
        Q(source_id__in=[merge.source_id, merge.target_id]) | Q(target_id__in=[merge.source_id, merge.target_id]),
        unmerged_at__isnull=True, pk__gt=merge.pk,
    )
    if later.exists():
        raise ValidationError({"merge": ["这两条记录此后又参与了合并，请先撤销其后的合并"]})
    locked = {p.pk: p for p in Petitioner.objects.select_for_update().filter(pk__in=[merge.source_id,
                                                                                       merge.target_id])}
    source, target = locked[merge.source_id], locked[merge.target_id]
    snapshot = merge.snapshot
    party_ids = [pk for pk, _ in snapshot["parties"]]
    PetitionParty.objects.filter(pk__in=party_ids, petitioner=target).update(petitioner=source)
    for dropped in snapshot["dropped"]:
        PetitionParty.objects.get_or_create(petition_id=dropped["petition"], petitioner=source, defaults={
            "position": dropped["position"], "is_representative": dropped["is_representative"]})
    for name, value in snapshot["source_indexes"].items():
        setattr(source, name, value)
    source.save(update_fields=[*snapshot["source_indexes"], "updated_at"])
    cleared = []
    for name, index in _FILLABLE:
        if name not in snapshot["filled"]:
            continue
        # Cleared only if still what the merge put there (a later registration may have updated it).
        unchanged = (getattr(target, index) == snapshot["filled_indexes"].get(index) if index
                     else getattr(target, name) == getattr(source, name))
        if unchanged:
            setattr(target, name, "")
            cleared.append(name)
            if index:
                setattr(target, index, "")
                cleared.append(index)
    if cleared:
        target.save(update_fields=[*cleared, "updated_at"])
    IdentityKey.objects.filter(petitioner__in=[source, target]).delete()
    IdentityKey.objects.bulk_create(
        [IdentityKey(petitioner=source, kind=kind, value=value) for kind, value in snapshot["source_keys"]]
        + [IdentityKey(petitioner=target, kind=kind, value=value) for kind, value in snapshot["target_keys"]]
    )
    merge.unmerged_at, merge.unmerged_by, merge.unmerge_reason = timezone.now(), actor, reason
    merge.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason"])
    petitions = {petition for _, petition in snapshot["parties"]} | {d["petition"] for d in snapshot["dropped"]}
    for petition_id in sorted(petitions):
        _event(petition_id=petition_id, kind="petitioner_unmerge", actor=actor, note=reason,
               data={"merge": merge.pk, "source": source.pk, "target": target.pk})
    audit_record(actor=actor, action="matching.petitioner_unmerge", target=merge,
                 data={"source": source.pk, "target": target.pk, "reason": reason})
    return merge


# --- repeat links (初件/重件) ----------------------------------------------------------------------------


def _lock_matter(root_ids: Iterable[int]) -> dict[int, Petition]:
    ids: set[int] = set()
    for root_id in set(root_ids):
        ids.update(matter_member_ids(root_id=root_id))
    return {p.pk: p for p in Petition.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _earliest(petitions: Iterable[Petition]) -> Petition:
    return min(petitions, key=lambda p: (p.received_at, p.pk))


def _set_roots(*, members: list[Petition], root: Petition, action: str, kind: str, actor: User, reason: str,
               primary: Petition) -> list[dict]:
    """Point every member at `root` (the root itself at nothing); record each change. Returns the changes."""
    changes = []
    now = timezone.now()
    for petition in sorted(members, key=lambda p: (p.received_at, p.pk)):
        after = None if petition.pk == root.pk else root.pk
        before = petition.first_petition_id
        if before == after:
            continue
        Petition.objects.filter(pk=petition.pk).update(first_petition_id=after, updated_at=now)
        petition.first_petition_id = after
        this_kind, this_action = kind, action
        if petition.pk != primary.pk and kind != "matter_split":
            this_kind, this_action = "matter_reroot", RepeatLinkEvent.Action.REROOT
        RepeatLinkEvent.objects.create(petition=petition, action=this_action, first_petition_before_id=before,
                                       first_petition_after_id=after, reason=reason, actor=actor, occurred_at=now)
        _event(petition_id=petition.pk, kind=this_kind, actor=actor, note=reason,
               data={"before": before, "after": after, "matter": root.pk, "by": primary.pk})
        changes.append({"petition": petition.pk, "before": before, "after": after})
    return changes


@transaction.atomic
def repeat_link(*, actor: User, petition_id: int, first_petition_id: int, reason: str) -> Petition:
    """Confirm `petition` as a repeat (重件) of the matter of `first_petition_id`.

    The petition then points at that matter's first petition (the chain is followed to its root). If the
    petition was itself the first of other repeats, the two matters become one, whose first petition is the
    earliest of them all.
    """
    require_role(actor, LINK_ROLES, action="确认重复信访")
    reason = _reason(reason)
    visible = petitions_visible_to(user=actor)
    if not visible.filter(pk=petition_id).exists() or not visible.filter(pk=first_petition_id).exists():
        raise Petition.DoesNotExist("信访事项不存在或无权查看")
    if petition_id == first_petition_id:
        raise ValidationError({"first_petition": ["不能关联到自身"]})
    own_root = matter_root_id(petition_id=petition_id)
    other_root = matter_root_id(petition_id=first_petition_id)
    if own_root == other_root:
        raise ValidationError({"first_petition": ["两件已属同一事项"]})
    locked = _lock_matter([own_root, other_root])
    root = _earliest(locked.values())
    primary = locked[petition_id]
    changes = _set_roots(members=list(locked.values()), root=root, action=RepeatLinkEvent.Action.LINK,
                         kind="repeat_link", actor=actor, reason=reason, primary=primary)
    marks = skip_level_refresh(petitions=list(locked.values()))
    audit_record(actor=actor, action="matching.repeat_link", target=primary,
                 data={"matter": root.pk, "linked_to": first_petition_id, "changes": changes, "reason": reason,
                       "skip_level": marks})
    return primary


@transaction.atomic
def repeat_unlink(*, actor: User, petition_id: int, reason: str) -> Petition:
    """Undo a repeat link: the petition becomes the first petition of a matter of its own."""
    require_role(actor, CORRECT_ROLES + (Role.INTAKE_CLERK,), action="撤销重复关联")
    reason = _reason(reason)
    if not petitions_visible_to(user=actor).filter(pk=petition_id).exists():
        raise Petition.DoesNotExist("信访事项不存在或无权查看")
    root_id = matter_root_id(petition_id=petition_id)
    if root_id == petition_id:
        raise ValidationError({"petition": ["该件为初件，没有可撤销的重复关联；如需分开事项请用“拆分”"]})
    locked = _lock_matter([root_id])
    petition = locked[petition_id]
    changes = _set_roots(members=[petition], root=petition, action=RepeatLinkEvent.Action.UNLINK,
                         kind="repeat_unlink", actor=actor, reason=reason, primary=petition)
    marks = skip_level_refresh(petitions=list(locked.values()))
    audit_record(actor=actor, action="matching.repeat_unlink", target=petition,
                 data={"matter": root_id, "changes": changes, "reason": reason, "skip_level": marks})
    return petition


@transaction.atomic
def matter_split(*, actor: User, petition_ids: list[int], reason: str) -> Petition:
    """Move some petitions of a matter to a new matter; each part's first petition is its earliest.

    Returns the first petition of the new matter.
    """
    require_role(actor, CORRECT_ROLES, action="拆分事项")
    reason = _reason(reason)
    wanted = sorted(set(petition_ids))
    if not wanted:
        raise ValidationError({"petitions": ["请选择要拆分出去的信访件"]})
    visible = petitions_visible_to(user=actor)
    if visible.filter(pk__in=wanted).count() != len(wanted):
        raise Petition.DoesNotExist("信访事项不存在或无权查看")
    roots = {matter_root_id(petition_id=pk) for pk in wanted}
    if len(roots) != 1:
        raise ValidationError({"petitions": ["所选信访件不属于同一事项"]})
    locked = _lock_matter(roots)
    part = [locked[pk] for pk in wanted]
    rest = [petition for pk, petition in locked.items() if pk not in wanted]
    if not rest:
        raise ValidationError({"petitions": ["不能把整个事项拆分出去，请至少保留一件"]})
    new_root, rest_root = _earliest(part), _earliest(rest)
    changes = _set_roots(members=part, root=new_root, action=RepeatLinkEvent.Action.SPLIT, kind="matter_split",
                         actor=actor, reason=reason, primary=new_root)
    changes += _set_roots(members=rest, root=rest_root, action=RepeatLinkEvent.Action.SPLIT,
                          kind="matter_split", actor=actor, reason=reason, primary=rest_root)
    marks = skip_level_refresh(petitions=list(locked.values()))
    audit_record(actor=actor, action="matching.matter_split", target=new_root,
                 data={"new_matter": new_root.pk, "matter": rest_root.pk, "moved": wanted, "changes": changes,
                       "reason": reason, "skip_level": marks})
    return new_root


@transaction.atomic
def repeat_intent_set(*, actor: User, idempotency_key: str, first_petition_id: int | None) -> RepeatIntent | None:
    """Remember the clerk's "确认为重复信访" for the form being filled in (None clears it)."""
    require_role(actor, LINK_ROLES, action="确认重复信访")
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": ["缺少登记表单标识，请刷新页面"]})
    # Forms abandoned without saving leave their intent behind; a week later it can only mislead.
    RepeatIntent.objects.filter(user=actor, created_at__lt=timezone.now() - timedelta(days=7)).delete()
    if first_petition_id is None:
        RepeatIntent.objects.filter(user=actor, idempotency_key=key).delete()
        return None
    if not petitions_visible_to(user=actor).filter(pk=first_petition_id).exists():
        raise Petition.DoesNotExist("信访事项不存在或无权查看")
    intent, _ = RepeatIntent.objects.update_or_create(user=actor, idempotency_key=key,
                                                      defaults={"first_petition_id": first_petition_id})
    return intent


# --- skip-level (越级) -----------------------------------------------------------------------------------

# Orgs that are a level of government for this purpose: a township (乡镇) decides its own matters.
GOVERNING_KINDS = (Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP)


def _governing_levels(org: Org, cache: dict[int, Org]) -> list[Org]:
    """The levels of government at or above `org`, nearest first."""
    missing = [pk for pk in org.ancestor_ids if pk not in cache]
    if missing:
        cache.update(Org.objects.in_bulk(missing))
    return [cache[pk] for pk in reversed(org.ancestor_ids) if pk in cache and cache[pk].kind in GOVERNING_KINDS]


def skip_level_assess(*, petition: Petition, cache: dict[int, Org] | None = None
                      ) -> tuple[bool, str, Org | None] | None:
    """(is skip-level, reason, the level skipped), or None where the rule does not apply.

    Art 17: a petitioner goes to the organ with authority or the one above it. A petition registered by an
    office two or more levels above the authority over the matter (its complained org, else its locality),
    with no petition on the same matter registered at the level above the authority or below, is 越级.
    """
    cache = {} if cache is None else cache
    if petition.channel == Channel.ASSIGNED_FROM_ABOVE:
        return None  # sent down by a higher organ: the petitioner did not choose this level
    authority = petition.complained_org or petition.locality
    levels = _governing_levels(authority, cache)
    own = _governing_levels(petition.registering_org, cache)
    if not own or len(levels) < 3 or own[0].pk not in {level.pk for level in levels[2:]}:
        return None
    competent, above = levels[0], levels[1]
    members = matter_member_ids(root_id=matter_root_id(petition_id=petition.pk))
    lower = (Petition.objects.filter(pk__in=members, registering_org__path__startswith=above.path,
                                     received_at__lte=petition.received_at)
             .exclude(pk=petition.pk).order_by("received_at", "id").values_list("number", flat=True).first())
    if lower is not None:
        return False, f"该事项已向{above.name}及以下机关提出（{lower}），不属越级", above
    office = Org.objects.filter(parent=above, kind=Org.Kind.PETITION_OFFICE, is_active=True).first()
    lower_office = office.name if office else above.name
    return True, (f"越级：{authority.name}的事项由{competent.name}（有权处理）或{above.name}（上一级）受理；"
                  f"{petition.registering_org.name}属更高层级，且该事项未曾向{lower_office}及以下机关提出"), above


def skip_level_decide(*, petition: Petition, cache: dict[int, Org] | None = None) -> bool:
    """Decide and store whether a petition is 越级, keeping `Petition.is_skip_level` equal to the decision."""
    assessment = skip_level_assess(petition=petition, cache=cache)
    if assessment is None:
        deleted, _ = SkipLevelMark.objects.filter(petition=petition).delete()
        if deleted and petition.is_skip_level:
            Petition.objects.filter(pk=petition.pk).update(is_skip_level=False)
            petition.is_skip_level = False
        return petition.is_skip_level
    is_skip, reason, lower = assessment
    SkipLevelMark.objects.update_or_create(petition=petition, defaults={
        "is_skip_level": is_skip, "reason": reason[:300], "lower_org": lower, "decided_at": timezone.now()})
    if petition.is_skip_level != is_skip:
        Petition.objects.filter(pk=petition.pk).update(is_skip_level=is_skip)
        petition.is_skip_level = is_skip
    return is_skip


def skip_level_refresh(*, petitions: list[Petition]) -> dict[int, bool]:
    """Re-decide 越级 for petitions whose matter changed (a link can show the lower level was asked first)."""
    cache: dict[int, Org] = {}
    ids = [p.pk for p in petitions]
    fresh = Petition.objects.filter(pk__in=ids).select_related("registering_org", "locality", "complained_org")
    return {petition.pk: skip_level_decide(petition=petition, cache=cache) for petition in fresh}


# --- mass matters (涉众) ---------------------------------------------------------------------------------

# Same matter: close text and the same locality or complained org, within this many days of each other.
CLUSTER_CANDIDATE_SIMILARITY = 0.1  # the index only proposes; the judgement decides (_cluster_neighbours)
CLUSTER_WINDOW_DAYS = 90


def _same_place(*, locality_id: int, complained_org_id: int | None, anchor_locality_id: int,
                anchor_complained_org_id: int | None) -> bool:
    return locality_id == anchor_locality_id or (
        complained_org_id is not None and complained_org_id == anchor_complained_org_id)


def _cluster_neighbours(petition: Petition) -> list[int]:
    """Petitions in the same place as `petition`, within the window either side, that the same-matter judgement
    takes for its matter whoever tells it (judgement.JOINT_LEVEL). Candidates come from the text index, asked for
    looser matches than it would judge alone (a matter retold in other words shares few trigrams)."""
    matches = similar_to(text=petition_text(petition), limit=50, exclude_id=petition.pk,
                         min_similarity=CLUSTER_CANDIDATE_SIMILARITY)
    if not matches.similarity:
        return []
    place = Q(locality_id=petition.locality_id)
    if petition.complained_org_id:
        place |= Q(complained_org_id=petition.complained_org_id)
    window = timedelta(days=CLUSTER_WINDOW_DAYS)
    near = list(
        Petition.objects.filter(place, pk__in=list(matches.similarity),
                                received_at__range=(petition.received_at - window, petition.received_at + window))
        .values_list("pk", flat=True)
    )
    return same_matter_ids(petition=petition, candidate_ids=near)


def _distinct_petitioners(petition_ids: Iterable[int]) -> int:
    return PetitionParty.objects.filter(petition_id__in=list(petition_ids)).values("petitioner_id").distinct().count()


def cluster_recount(*, cluster: MassCluster) -> MassCluster:
    """Counts and dates of a mass matter from its member petitions."""
    petitions = Petition.objects.filter(pk__in=cluster.members.values("petition_id"))
    rows = list(petitions.order_by("received_at", "id")
                .values_list("pk", "received_at", "person_times", "summary", "petition_type"))
    cluster.petition_count = len(rows)
    cluster.person_times = sum(row[2] for row in rows)
    cluster.petitioner_count = _distinct_petitioners(row[0] for row in rows)
    cluster.first_received_at, cluster.last_received_at = rows[0][1], rows[-1][1]
    # The stored title (admin, logs) never quotes an accusation; readers see a title computed from what they
    # may see (selectors.cluster_views).
    titles = [row[3] for row in rows if row[4] != PetitionType.ACCUSATION]
    cluster.title = titles[0][:200] if titles else ACCUSATION_CLUSTER_TITLE
    cluster.save()
    return cluster


ACCUSATION_CLUSTER_TITLE = "检举控告类涉众事项"


def _cluster_create(petition_ids: list[int]) -> MassCluster:
    # The earliest petition anchors the cluster: its place is the place the others must share.
    petitions = list(Petition.objects.filter(pk__in=petition_ids).order_by("received_at", "id"))
    anchor = petitions[0]
    cluster = MassCluster.objects.create(
        title="", locality_id=anchor.locality_id, complained_org_id=anchor.complained_org_id,
        first_received_at=anchor.received_at, last_received_at=petitions[-1].received_at,
    )
    MassClusterMember.objects.bulk_create([MassClusterMember(cluster=cluster, petition=p) for p in petitions])
    return cluster_recount(cluster=cluster)


def cluster_consider(*, petition: Petition) -> MassCluster | None:
    """Incremental update at registration: join a neighbour's mass matter, or start one if enough people."""
    if MassClusterMember.objects.filter(petition=petition).exists():
        return None
    neighbours = _cluster_neighbours(petition)
    if not neighbours:
        return None
    window = timedelta(days=CLUSTER_WINDOW_DAYS)
    hits = Counter(MassClusterMember.objects.filter(petition_id__in=neighbours).values_list("cluster_id", flat=True))
    clusters = {c.pk: c for c in MassCluster.objects.filter(pk__in=list(hits))}
    fitting = [pk for pk, cluster in clusters.items()
               if _same_place(locality_id=petition.locality_id, complained_org_id=petition.complained_org_id,
                              anchor_locality_id=cluster.locality_id,
                              anchor_complained_org_id=cluster.complained_org_id)
               and petition.received_at <= cluster.last_received_at + window]
    if fitting:
        cluster = clusters[max(fitting, key=lambda pk: (hits[pk], -pk))]
        MassClusterMember.objects.create(cluster=cluster, petition=petition)
        return cluster_recount(cluster=cluster)
    members = set(MassClusterMember.objects.filter(petition_id__in=neighbours).values_list("petition_id", flat=True))
    free = [pk for pk in neighbours if pk not in members]
    group = [petition.pk, *free]
    if len(group) < 2 or _distinct_petitioners(group) < CLUSTER_MIN_PETITIONERS:
        return None
    return _cluster_create(group)


@dataclass
class _Group:
    locality_id: int
    complained_org_id: int | None
    last_received_at: object
    members: list[int] = field(default_factory=list)


@transaction.atomic
def clusters_rebuild(*, since=None) -> int:
    """Recompute every mass matter from scratch, replaying the petitions in time order.

    Each petition joins the group of a similar earlier petition whose anchor (first petition) shares its
    locality or complained org and whose last petition is within the window; else it anchors a group of its
    own. Anchoring stops a chain of pairwise-similar petitions drifting across places and years. Derived
    data, not a person's decision: not audited.
    """
    MassCluster.objects.all().delete()
    queryset = Petition.objects.all()
    if since is not None:
        queryset = queryset.filter(received_at__gte=since)
    window = timedelta(days=CLUSTER_WINDOW_DAYS)
    groups: list[_Group] = []
    group_of: dict[int, int] = {}
    fields = ("pk", "summary", "content", "demands", "locality_id", "complained_org_id", "received_at")
    for petition in queryset.only(*fields).order_by("received_at", "id").iterator(chunk_size=500):
        hits = Counter(group_of[pk] for pk in _cluster_neighbours(petition) if pk in group_of)
        fitting = [index for index in hits
                   if _same_place(locality_id=petition.locality_id, complained_org_id=petition.complained_org_id,
                                  anchor_locality_id=groups[index].locality_id,
                                  anchor_complained_org_id=groups[index].complained_org_id)
                   and petition.received_at <= groups[index].last_received_at + window]
        if fitting:
            index = max(fitting, key=lambda i: (hits[i], -i))
        else:
            index = len(groups)
            groups.append(_Group(petition.locality_id, petition.complained_org_id, petition.received_at))
        groups[index].members.append(petition.pk)
        groups[index].last_received_at = petition.received_at
        group_of[petition.pk] = index
    made = 0
    for group in groups:
        if len(group.members) >= 2 and _distinct_petitioners(group.members) >= CLUSTER_MIN_PETITIONERS:
            _cluster_create(group.members)
            made += 1
    return made


# --- backfill after a bulk load --------------------------------------------------------------------------

# A phone or address shared by more people than this (a law firm, a village committee) is no evidence.
MAX_SHARED = 20


def identity_backfill(*, chunk_size: int = 2000) -> int:
    """Identity keys and links for every stored petitioner, in bulk (after an import, a seed or an upgrade)."""
    count, last = 0, 0
    while True:
        chunk = list(Petitioner.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", "kind", "name", "id_number", "address")[:chunk_size])
        if not chunk:
            break
        last = chunk[-1].pk
        keys = []
        for petitioner in chunk:
            if petitioner.kind != Petitioner.Kind.PERSON:
                continue
            for kind, value in ((IdentityKey.Kind.NAME_ADDRESS,
                                 identity.name_address_key(petitioner.name, petitioner.address)),
                                (IdentityKey.Kind.NAME_BIRTH_DATE,
                                 identity.name_birth_key(petitioner.name, petitioner.id_number))):
                if value:
                    keys.append(IdentityKey(petitioner_id=petitioner.pk, kind=kind, value=value))
        with transaction.atomic():
            IdentityKey.objects.filter(petitioner_id__in=[p.pk for p in chunk]).delete()
            IdentityKey.objects.bulk_create(keys, batch_size=1000)
        count += len(chunk)
    links = []
    shared = (
        (IdentityLink.Method.ID_NUMBER, "证件号码的索引相同", Petitioner.objects.exclude(id_number_index=""),
         "id_number_index", "pk"),
        (IdentityLink.Method.PHONE, "联系电话相同", Petitioner.objects.exclude(phone_index=""), "phone_index", "pk"),
        (IdentityLink.Method.NAME_ADDRESS, "姓名相同且住址相同（无证件号码可比）",
         IdentityKey.objects.filter(kind=IdentityKey.Kind.NAME_ADDRESS), "value", "petitioner_id"),
        (IdentityLink.Method.NAME_BIRTH_DATE, "姓名相同且出生日期相同（证件号码不同）",
         IdentityKey.objects.filter(kind=IdentityKey.Kind.NAME_BIRTH_DATE), "value", "petitioner_id"),
    )
    for method, reason, queryset, column, id_column in shared:
        values = list(queryset.values(column).annotate(n=Count(id_column)).filter(n__gt=1, n__lte=MAX_SHARED)
                      .values_list(column, flat=True))
        for start in range(0, len(values), 500):
            members: dict[str, list[int]] = defaultdict(list)
            for value, pk in queryset.filter(**{f"{column}__in": values[start:start + 500]}).values_list(
                    column, id_column):
                members[value].append(pk)
            for ids in members.values():
                ids.sort()
                links += [IdentityLink(petitioner_a_id=a, petitioner_b_id=b, method=method, reason=reason,
                                       confidence=identity.CONFIDENCE[method])
                          for i, a in enumerate(ids) for b in ids[i + 1:] if a != b]
    with transaction.atomic():
        # Existing rows (dismissed ones included) are kept as they are.
        IdentityLink.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    return count
