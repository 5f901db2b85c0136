/* Bookmarks: the little JavaScript of our own pages (jQuery, served from /static/vendor/). */
(function ($) {
  "use strict";

  // Like / follow buttons: forms that work without JS, posted with AJAX when JS is on.
  // The form's hidden "action" flips between data-on and data-off; the JSON answer's
  // [data-count-key] value is written into the element matched by data-count-target, and the
  // word after it (data-count-label) takes its data-singular or data-plural form. With
  // data-likers-target, the person's own avatar (from <template data-my-liker>) joins or leaves
  // that list.
  $(document).on("submit", "form[data-ajax-toggle]", function (event) {
    event.preventDefault();
    var $form = $(this);
    var $button = $form.find("button[type=submit]");
    var $action = $form.find("input[name=action]");
    if ($button.prop("disabled")) { return; }
    $button.prop("disabled", true);
    $.ajax({
      url: $form.attr("action"),
      method: "POST",
      data: $form.serialize(),
      dataType: "json",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    }).done(function (data) {
      var on = $form.data("on");
      var wasOn = $action.val() === on;
      $action.val(wasOn ? $form.data("off") : on);
      $button.text(wasOn ? $button.data("label-off") : $button.data("label-on"));
      $button.toggleClass("btn-outline", wasOn);
      var count = data[$form.data("count-key")];
      $($form.data("count-target")).text(count);
      var $label = $($form.data("count-label"));
      $label.text(count === 1 ? $label.data("singular") : $label.data("plural"));
      if ($form.data("likers-target")) { showMeAmongLikers($($form.data("likers-target")), wasOn); }
      announce((wasOn ? $form.data("said-on") : $form.data("said-off")) + " " + count + " " + $label.text() + ".");
    }).fail(function (xhr) {
      var message = (xhr.responseJSON && xhr.responseJSON.message) || gettext("Something went wrong. Please try again.");
      window.alert(message);
    }).always(function () {
      $button.prop("disabled", false);
    });
  });

  function announce(text) { if (window.bookmarksAnnounce) { window.bookmarksAnnounce(text); } }

  function showMeAmongLikers($list, liking) {
    var template = $("template[data-my-liker]")[0];
    if (!template || !$list.length) { return; }
    var mine = template.content.firstElementChild;
    var id = mine.getAttribute("data-liker");
    $list.children("[data-liker]").filter(function () {
      return this.getAttribute("data-liker") === id;
    }).remove();
    if (liking) { $list.prepend(mine.cloneNode(true)); }
    $("[data-no-likers]").prop("hidden", $list.children("[data-liker]").length > 0);
  }

  // Infinite scroll: when the end of a [data-infinite] list comes near, or the "Load more"
  // button is pressed, fetch the next page's items (?page=N&images_only=1, or the list's
  // data-more-param) and append them; an empty answer means there is no more. Pressed from the
  // button (a keyboard, a screen reader), focus moves to the first new item, so it is not lost.
  $(function () {
    var $list = $("[data-infinite]").first();
    if (!$list.length) { return; }
    var nextPage = parseInt($list.attr("data-next-page"), 10);
    var baseUrl = $list.attr("data-more-url");
    var onlyParam = $list.attr("data-more-param") || "images_only";
    var loading = false;
    $(".pager").addClass("pager-js");
    var $sentinel = $('<div class="scroll-sentinel" aria-hidden="true"></div>').insertAfter($list);
    var $more = $('<div class="load-more"><button type="button" class="btn btn-quiet" data-load-more></button></div>').insertAfter($sentinel);
    $more.find("button").text(gettext("Load more"));
    var $status = $('<p class="muted small scroll-status" role="status" tabindex="-1"></p>').insertAfter($more);
    if (!nextPage) { $more.prop("hidden", true); return; }

    function load(fromButton) {
      if (loading || !nextPage) { return; }
      loading = true;
      $status.text(gettext("Loading more…"));
      var query = { page: nextPage };
      query[onlyParam] = 1;
      $.get(baseUrl, query).done(function (html) {
        if ($.trim(html) === "") {
          nextPage = null;
          $more.prop("hidden", true);
          $status.text(gettext("That's everything."));
          if (observer) { observer.disconnect(); }
          if (fromButton) { $status.trigger("focus"); }
          return;
        }
        var before = $list.children().length;
        $list.append(html);
        nextPage += 1;
        $status.text(gettext("More loaded."));
        if (fromButton) { $list.children().eq(before).find("a, button").first().trigger("focus"); }
      }).fail(function () {
        $status.text(gettext("Could not load more. Scroll again or press Load more to retry."));
      }).always(function () {
        loading = false;
      });
    }

    $more.on("click", "button", function () { load(true); });
    var observer = null;
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(function (entries) {
        if (entries[0].isIntersecting) { load(false); }
      }, { rootMargin: "400px" });
      observer.observe($sentinel[0]);
    }
  });

  // Saving cards (templates/images/image/_saving_card.html): poll the bookmark's status,
  // more slowly as time goes by, and put what the server answers in the card's place once
  // the image is ready or has failed. No reload needed.
  function watchSaving(card) {
    var $card = $(card);
    var url = $card.data("status-url");
    var delay = 1000;
    function check() {
      $.ajax({ url: url, dataType: "json", cache: false }).done(function (data) {
        if (data.status === "saving") { schedule(); return; }
        var $next = $($.parseHTML($.trim(data.html)));
        $card.replaceWith($next);
        $next.find("[data-image-status=saving]").addBack("[data-image-status=saving]").each(function () { watchSaving(this); });
      }).fail(function (xhr) {
        if (xhr.status === 404) { $card.find("p").first().text(gettext("This image was removed.")); return; }
        schedule();
      });
    }
    function schedule() {
      delay = Math.min(delay * 1.3, 5000);
      window.setTimeout(check, delay);
    }
    window.setTimeout(check, delay);
  }
  $(function () {
    $("[data-image-status=saving]").each(function () { watchSaving(this); });
  });
})(jQuery);
