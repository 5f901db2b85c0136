from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookmarks.http import Forbidden, Refused, post_endpoint, wants_json

from . import selectors, services
from .forms import BoardForm, CoverForm, EntryForm, MemberForm, MoveForm, SaveForm
from .models import Board, Role


def _board_and_role(request, username: str, slug: str) -> tuple[Board, str]:
    """The board and the request's user's role on it; 404 for anyone with no role (a secret
    board they may not see, or someone else's public one: its edit addresses do not exist
    for them)."""
    try:
        board, role = selectors.board_with_role(request.user, username, slug)
    except Board.DoesNotExist:
        raise Http404("No such board.") from None
    if not role:
        raise Http404("No such board.")
    return board, role


def _editable_or_404(request, username: str, slug: str) -> Board:
    """The board at this address when the request's user owns or edits it: 404 for people
    without a role on it, Forbidden (403) for a viewer."""
    board, role = _board_and_role(request, username, slug)
    if role not in (selectors.OWNER, Role.EDITOR):
        raise Forbidden(_("You can only look at this board: ask its owner to make you an editor."))
    return board


def _owner_only(request, username: str, slug: str) -> Board:
    """The board when the request's user owns it: 404 for people without a role on it, 403
    for its collaborators (only the owner changes the board)."""
    board, role = _board_and_role(request, username, slug)
    if role != selectors.OWNER:
        raise Forbidden(_("Only the board's owner can change that."))
    return board


def _forbidden_page(request, refusal: Forbidden):
    context = {"message": str(refusal), "back": request.path.rsplit("/", 2)[0] + "/"}
    return render(request, "shared/refused.html", context, status=403)


def _board_form_page(request, form, template, context, *, done):
    """Bind `form`, run `done(data)` on a valid POST (BoardError → the form's error, 400)."""
    if request.method == "POST" and form.is_valid():
        try:
            return done(form.cleaned_data)
        except services.BoardError as error:
            form.add_error("name", str(error))
    status = 400 if request.method == "POST" else 200  # the form was refused
    return render(request, template, {"section": "people", "form": form, **context}, status=status)


def _guarded(view):
    """Answer a Forbidden raised by the page views with the refusal page (403)."""

    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Forbidden as refusal:
            return _forbidden_page(request, refusal)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@login_required
def board_new(request):
    def create(data):
        board = services.create_board(owner=request.user, **data)
        messages.success(request, _("Board “%(name)s” created.") % {"name": board.name})
        return redirect(board)

    form = BoardForm(request.POST or None)
    return _board_form_page(request, form, "boards/form.html", {"board": None}, done=create)


def board_detail(request, username, slug):
    try:
        board = selectors.board_page(username, slug, viewer=request.user)
    except Board.DoesNotExist:
        raise Http404("No such board.") from None
    if board.blocks_viewer:
        raise Http404("No such board.")  # the owner blocked the viewer: their pages are hidden
    page = selectors.entries_page(board, request.GET.get("page", 1), viewer=request.user)
    is_owner = request.user == board.owner
    can_edit = is_owner or board.viewer_role == Role.EDITOR
    context = {"board": board, "page": page, "is_owner": is_owner, "can_edit": can_edit}
    if request.GET.get("images_only"):
        if page is None:
            return HttpResponse("")
        return render(request, "boards/_entry_items.html", context)
    if page is None:
        return redirect(board)
    return render(request, "boards/detail.html", {"section": "people", **context})


@login_required
@_guarded
def board_edit(request, username, slug):
    board = _owner_only(request, username, slug)

    def save(data):
        services.update_board(board=board, **data)
        messages.success(request, _("Board saved."))
        return redirect(board)

    initial = {"name": board.name, "description": board.description, "secret": board.is_secret}
    form = BoardForm(request.POST or None, initial=initial)
    context = {"board": board, "members": selectors.members_of(board), "roles": Role.choices}
    context["share_url"] = request.session.pop(_share_key(board), "")
    return _board_form_page(request, form, "boards/form.html", context, done=save)


def _share_key(board: Board) -> str:
    return f"board-share-{board.pk}"


@login_required
@_guarded
@require_POST
def board_members(request, username, slug):
    """The owner adds a collaborator, changes one's role or removes them (from the edit page)."""
    board = _owner_only(request, username, slug)
    form = MemberForm(request.POST)
    try:
        if not form.is_valid():
            raise services.BoardError(next(iter(form.errors.values()))[0])
        data = form.cleaned_data
        if data["action"] == "add":
            member = services.add_member(board=board, username=data["username"], role=data["role"])
            messages.success(request, _can(member))
        elif data["action"] == "role":
            member = services.set_member_role(board=board, user_id=data["user"], role=data["role"])
            messages.success(request, _can(member))
        else:
            services.remove_member(board=board, user_id=data["user"])
            messages.success(request, _("Collaborator removed."))
    except services.BoardError as error:
        context = {"message": str(error), "back": _edit_url(board)}
        return render(request, "shared/refused.html", context, status=400)
    return redirect(_edit_url(board) + "#collaborators")


def _can(member) -> str:
    """What the collaborator may now do, as the owner's message says it."""
    if member.role == Role.EDITOR:
        text = _("%(name)s can now add, remove and reorder images.")
    else:
        text = _("%(name)s can now see this board.")
    return text % {"name": member.user.username}


def _edit_url(board: Board) -> str:
    return reverse("boards:edit", args=[board.owner.username, board.slug])


@login_required
@_guarded
@require_POST
def board_share(request, username, slug):
    """POST: a new share link (shown once on the edit page; the old one stops working), or,
    with revoke=1, no link at all. JSON {"url": …} for AJAX."""
    board = _owner_only(request, username, slug)
    if request.POST.get("revoke") == "1":
        services.revoke_share_link(board=board)
        url = ""
        messages.success(request, _("The share link was revoked: it no longer opens the board."))
    else:
        token = services.create_share_link(board=board)
        url = request.build_absolute_uri(reverse_shared(token))
        request.session[_share_key(board)] = url
        messages.success(request, _("Share link created. Anyone with it can see this board."))
    if wants_json(request):
        return JsonResponse({"status": "ok", "url": url})
    return redirect(_edit_url(board) + "#sharing")


def reverse_shared(token: str) -> str:
    return reverse("boards:shared", args=[token])


def board_shared(request, token):
    """The board behind a share link, read-only, for anyone holding the link (no login)."""
    try:
        board = selectors.board_by_share_token(token)
    except Board.DoesNotExist:
        # Not a link: maybe the board `token` of a person called "shared" (or a 404).
        return board_detail(request, "shared", token)
    page = selectors.entries_page(board, request.GET.get("page", 1), viewer=None)
    if page is None:
        raise Http404("No such page.")
    context = {"board": board, "page": page, "shared": True}
    response = render(request, "boards/shared.html", context)
    # The token is the only key: keep it out of Referer headers, caches and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@_guarded
def board_delete(request, username, slug):
    board = _owner_only(request, username, slug)
    if request.method == "POST":
        services.delete_board(board=board)
        deleted = _("Board “%(name)s” deleted. Its images were kept.") % {"name": board.name}
        messages.success(request, deleted)
        return redirect("user_boards", request.user.username)
    return render(request, "boards/delete.html", {"section": "people", "board": board})


def _refuse(error: services.BoardError):
    if isinstance(error, services.NotAllowed):
        raise Forbidden(str(error)) from error
    raise Refused(str(error)) from error


@post_endpoint(SaveForm)
def board_save(request, data):
    try:
        board, count, _added = services.save_to_board(
            user=request.user,
            image_id=data["image"],
            board_id=data["board"],
            new_board_name=data["new_board"],
        )
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "count": count, "name": board.name, "url": board.get_absolute_url()}


@post_endpoint(EntryForm)
def board_remove(request, data):
    try:
        board, count = services.remove_from_board(
            user=request.user, image_id=data["image"], board_id=data["board"]
        )
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "count": count}


@post_endpoint(MoveForm)
def board_move(request, data, username, slug):
    board = _editable_or_404(request, username, slug)
    try:
        count = services.move_entry(board=board, image_id=data["image"], position=data["position"])
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "count": count, "position": data["position"]}


@post_endpoint(CoverForm)
def board_cover(request, data, username, slug):
    board = _owner_only(request, username, slug)
    try:
        services.choose_cover(board=board, image_id=data["image"])
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "cover": data["image"]}
