from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from bookmarks.http import Refused, post_endpoint

from . import selectors, services
from .forms import BoardForm, CoverForm, EntryForm, MoveForm, SaveForm
from .models import Board


def _owned_or_404(request, username: str, slug: str) -> Board:
    """The request's user's board at this address; 404 for anyone else's, as for none."""
    try:
        return selectors.owned_board(request.user, username, slug)
    except Board.DoesNotExist:
        raise Http404("No such board.") from None


def _board_form_page(request, form, template, context, *, done):
    """Bind `form`, run `done(data)` on a valid POST (BoardError → the form's error, 400)."""
    if request.method == "POST" and form.is_valid():
        try:
            return done(form.cleaned_data)
        except services.BoardError as error:
            form.add_error("name", str(error))
    status = 400 if request.method == "POST" else 200  # the form was refused
    return render(request, template, {"section": "people", "form": form, **context}, status=status)


@login_required
def board_new(request):
    def create(data):
        board = services.create_board(owner=request.user, **data)
        messages.success(request, f"Board “{board.name}” created.")
        return redirect(board)

    form = BoardForm(request.POST or None)
    return _board_form_page(request, form, "boards/form.html", {"board": None}, done=create)


def board_detail(request, username, slug):
    try:
        board = selectors.board_page(username, slug, viewer=request.user)
    except Board.DoesNotExist:
        raise Http404("No such board.") from None
    page = selectors.entries_page(board, request.GET.get("page", 1))
    is_owner = request.user == board.owner
    context = {"board": board, "page": page, "is_owner": is_owner}
    if request.GET.get("images_only"):
        if page is None:
            return HttpResponse("")
        return render(request, "boards/_entry_items.html", context)
    if page is None:
        return redirect(board)
    return render(request, "boards/detail.html", {"section": "people", **context})


@login_required
def board_edit(request, username, slug):
    board = _owned_or_404(request, username, slug)

    def save(data):
        services.update_board(board=board, **data)
        messages.success(request, "Board saved.")
        return redirect(board)

    initial = {"name": board.name, "description": board.description}
    form = BoardForm(request.POST or None, initial=initial)
    return _board_form_page(request, form, "boards/form.html", {"board": board}, done=save)


@login_required
def board_delete(request, username, slug):
    board = _owned_or_404(request, username, slug)
    if request.method == "POST":
        services.delete_board(board=board)
        messages.success(request, f"Board “{board.name}” deleted. Its images were kept.")
        return redirect("user_boards", request.user.username)
    return render(request, "boards/delete.html", {"section": "people", "board": board})


def _refuse(error: services.BoardError):
    raise Refused(str(error)) from error


@post_endpoint(SaveForm)
def board_save(request, data):
    try:
        board, count, _ = services.save_to_board(
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
    board = _owned_or_404(request, username, slug)
    try:
        count = services.move_entry(board=board, image_id=data["image"], position=data["position"])
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "count": count, "position": data["position"]}


@post_endpoint(CoverForm)
def board_cover(request, data, username, slug):
    board = _owned_or_404(request, username, slug)
    try:
        services.choose_cover(board=board, image_id=data["image"])
    except services.BoardError as error:
        _refuse(error)
    return {"board": board.pk, "cover": data["image"]}
