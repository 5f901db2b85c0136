/* Bookmarks: boards. Every control here is a plain form that works without JavaScript; this
 * script posts them with AJAX and adds drag and drop (mouse) and Alt+Arrow keys (keyboard) to
 * reorder a board. */
(function ($) {
  "use strict";

  var AJAX = { "X-Requested-With": "XMLHttpRequest" };

  function errorOf(xhr) {
    return (xhr.responseJSON && xhr.responseJSON.message) || gettext("Something went wrong. Please try again.");
  }

  function post(url, data) {
    return $.ajax({ url: url, method: "POST", data: data, dataType: "json", headers: AJAX });
  }

  // ---- "Save to a board" widget (image page, edit page) ----
  function say($widget, text, isError) {
    $widget.find("[data-save-status]").text(text).toggleClass("is-error", !!isError);
  }

  function toggleForm($form, saved, boardName) {
    var $button = $form.find("button[type=submit]");
    var $widget = $form.closest("[data-save-widget]");
    $form.attr("action", saved ? $widget.data("remove-url") : $widget.data("save-url"));
    $button.text(saved ? gettext("Saved ✓") : pgettext("verb", "Save")).toggleClass("btn-outline", saved)
      .attr("aria-label", interpolate(saved ? gettext("Saved ✓ in %(board)s (press to remove)") :
        gettext("Save to %(board)s"), {board: boardName}, true));
  }

  $(function () {
    $("[data-save-widget]").each(function () {
      var $widget = $(this);
      var $new = $widget.find("form[data-new-board]");
      $widget.data("save-url", $new.attr("action"));
      $widget.data("remove-url", $new.attr("action").replace(/save\/$/, "remove/"));
    });
  });

  $(document).on("submit", "form[data-board-toggle]", function (event) {
    event.preventDefault();
    var $form = $(this);
    var $widget = $form.closest("[data-save-widget]");
    var name = $form.closest("li").find(".save-board-name").text();
    var saving = /save\/$/.test($form.attr("action"));
    var $button = $form.find("button[type=submit]").prop("disabled", true);
    post($form.attr("action"), $form.serialize()).done(function (data) {
      toggleForm($form, saving, name);
      say($widget, interpolate(saving ?
        ngettext("Saved to “%(board)s” (%(count)s image).", "Saved to “%(board)s” (%(count)s images).", data.count) :
        ngettext("Removed from “%(board)s” (%(count)s image).", "Removed from “%(board)s” (%(count)s images).", data.count),
        {board: name, count: data.count}, true));
    }).fail(function (xhr) {
      say($widget, errorOf(xhr), true);
    }).always(function () { $button.prop("disabled", false); });
  });

  $(document).on("submit", "form[data-new-board]", function (event) {
    event.preventDefault();
    var $form = $(this);
    var $widget = $form.closest("[data-save-widget]");
    var $button = $form.find("button[type=submit]").prop("disabled", true);
    post($form.attr("action"), $form.serialize()).done(function (data) {
      var $list = $widget.find("[data-save-boards]");
      if (!$list.length) {
        $list = $('<ul class="save-boards" data-save-boards></ul>').insertBefore($form);
      }
      // Build the new row from a copy of this form's hidden fields, never from HTML strings.
      var $li = $("<li></li>");
      $("<a class=\"save-board-name\"></a>").attr("href", data.url).text(data.name).appendTo($li);
      var $toggle = $('<form method="post" class="inline-form" data-board-toggle></form>');
      $form.find("input[type=hidden]").each(function () { $toggle.append($(this).clone()); });
      $('<input type="hidden" name="board">').val(data.board).appendTo($toggle);
      $('<button type="submit" class="btn btn-small"></button>').appendTo($toggle);
      $li.append($toggle).appendTo($list);
      toggleForm($toggle, true, data.name);
      $form.find("input[name=new_board]").val("");
      say($widget, interpolate(gettext("Saved to the new board “%(board)s”."), {board: data.name}, true));
    }).fail(function (xhr) {
      say($widget, errorOf(xhr), true);
    }).always(function () { $button.prop("disabled", false); });
  });

  // ---- Reordering a board (owner only: the list has data-board-entries) ----
  $(function () {
    var $list = $("[data-board-entries]");
    if (!$list.length) { return; }
    var moveUrl = $list.data("move-url");
    var token = $list.find("input[name=csrfmiddlewaretoken]").first().val();
    var $status = $("[data-reorder-status]");
    var queue = $.Deferred().resolve().promise();
    var dragged = null;

    function items() { return $list.children("li[data-entry]"); }
    function total() { return parseInt($list.attr("data-count"), 10) || items().length; }

    // Keep every item's plain-form positions and disabled buttons true to the DOM order
    // (pages load in order from the top, so the DOM index is the board index).
    function renumber() {
      var count = total();
      items().each(function (index) {
        var $item = $(this);
        $item.find("form[data-entry-move]").each(function () {
          var delta = parseInt($(this).attr("data-entry-move"), 10);
          var target = index + delta;
          $(this).find("input[name=position]").val(target);
          $(this).find("button").prop("disabled", target < 0 || target >= count);
        });
      });
    }

    function save($item, title) {
      var index = items().index($item);
      queue = queue.then(function () {
        return post(moveUrl, {
          csrfmiddlewaretoken: token, image: $item.attr("data-entry"), position: index
        }).done(function () {
          $status.text(interpolate(gettext("Moved “%(title)s” to place %(place)s."), {title: title, place: index + 1}, true));
        }).fail(function (xhr) {
          $status.text(errorOf(xhr));
          window.alert(errorOf(xhr) + " " + gettext("The page will reload."));
          window.location.reload();
        });
      });
    }

    function titleOf($item) { return $item.find(".tile-title").text(); }

    function moveBy($item, delta) {
      var list = items();
      var index = list.index($item);
      var target = index + delta;
      if (target < 0 || target >= total() || target >= list.length) { return false; }
      if (delta < 0) { $item.insertBefore(list.eq(target)); } else { $item.insertAfter(list.eq(target)); }
      $list.children().removeClass("is-moved");
      $item.addClass("is-moved");
      renumber();
      save($item, titleOf($item));
      return true;
    }

    $list.on("submit", "form[data-entry-move]", function (event) {
      event.preventDefault();
      var $item = $(this).closest("li");
      moveBy($item, parseInt($(this).attr("data-entry-move"), 10));
      // At the first or last place this button is now disabled: keep focus on the item's other one.
      var $button = $(this).find("button");
      if ($button.prop("disabled")) { $button = $item.find("form[data-entry-move] button:not(:disabled)").first(); }
      $button.trigger("focus");
    });

    $list.on("keydown", "li[data-entry]", function (event) {
      if (!event.altKey) { return; }
      var delta = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 }[event.key];
      if (!delta) { return; }
      event.preventDefault();
      var focused = document.activeElement;
      moveBy($(this), delta);
      if (focused) { focused.focus(); }
    });

    $list.on("submit", "form[data-entry-remove]", function (event) {
      event.preventDefault();
      var $form = $(this);
      var $item = $form.closest("li");
      var title = titleOf($item);
      post($form.attr("action"), $form.serialize()).done(function (data) {
        $item.remove();
        $list.attr("data-count", data.count);
        renumber();
        $status.text(interpolate(gettext("Removed “%(title)s” from the board."), {title: title}, true));
      }).fail(function (xhr) { window.alert(errorOf(xhr)); });
    });

    // Drag and drop (mouse, touch pads): drop on a tile to take its place.
    $list.on("dragstart", "li[data-entry]", function (event) {
      dragged = this;
      $(this).addClass("is-dragging");
      event.originalEvent.dataTransfer.effectAllowed = "move";
      event.originalEvent.dataTransfer.setData("text/plain", $(this).attr("data-entry"));
    });
    $list.on("dragend", "li[data-entry]", function () {
      $(this).removeClass("is-dragging");
      $list.children().removeClass("is-drop-target");
      dragged = null;
    });
    $list.on("dragover", "li[data-entry]", function (event) {
      if (!dragged || dragged === this) { return; }
      event.preventDefault();
      event.originalEvent.dataTransfer.dropEffect = "move";
      $list.children().removeClass("is-drop-target");
      $(this).addClass("is-drop-target");
    });
    $list.on("drop", "li[data-entry]", function (event) {
      if (!dragged || dragged === this) { return; }
      event.preventDefault();
      var list = items();
      var from = list.index(dragged);
      var to = list.index(this);
      var $item = $(dragged);
      if (from < to) { $item.insertAfter(this); } else { $item.insertBefore(this); }
      $list.children().removeClass("is-drop-target is-moved");
      $item.addClass("is-moved");
      renumber();
      save($item, titleOf($item));
    });

    // Items loaded by infinite scroll come with server positions; keep them in step.
    new MutationObserver(renumber).observe($list[0], { childList: true });
  });

  // ---- Tag suggestions on the edit form ----
  $(function () {
    var $input = $("[data-tag-input]");
    var $box = $("[data-tag-suggestions]");
    if (!$input.length || !$box.length) { return; }
    $box.insertAfter($input);
    var url = $box.data("suggest-url");
    var timer = null;
    var last = null;

    function current() {
      var parts = $input.val().split(/[,\s]+/);
      return parts[parts.length - 1];
    }

    function show(names) {
      $box.empty();
      var typed = $input.val().toLowerCase().split(/[,\s]+/);
      names = names.filter(function (name) { return typed.indexOf(name) === -1; });
      names.forEach(function (name) {
        $('<li><button type="button"></button></li>').find("button").text(name).attr("data-tag", name).end().appendTo($box);
      });
      $box.prop("hidden", names.length === 0);
    }

    $input.on("input focus", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = current().toLowerCase();
        if (query === last) { return; }
        last = query;
        $.getJSON(url, { q: query }).done(show);
      }, 150);
    });

    $box.on("click", "button[data-tag]", function () {
      var value = $input.val();
      var cut = value.search(/[^,\s]*$/);
      $input.val(value.slice(0, cut) + $(this).attr("data-tag") + ", ").trigger("focus");
      last = null;
      $box.prop("hidden", true);
    });
  });
})(jQuery);
