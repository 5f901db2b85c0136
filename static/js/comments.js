/* Comments on an image page: post, edit, delete and load earlier ones without a reload.
   Every form also works without JavaScript (a plain POST and a redirect back). */
(function ($) {
  "use strict";
  var ajax = { "X-Requested-With": "XMLHttpRequest" };

  function announce(text) { if (window.bookmarksAnnounce) { window.bookmarksAnnounce(text); } }

  function failure(xhr) {
    return (xhr.responseJSON && xhr.responseJSON.message) || gettext("Something went wrong. Please try again.");
  }

  $(document).on("submit", "form[data-comment-form]", function (event) {
    event.preventDefault();
    var $form = $(this), $error = $form.find("[data-comment-error]"), $button = $form.find("button");
    if ($button.prop("disabled")) { return; }
    $button.prop("disabled", true);
    $error.prop("hidden", true).text("");
    $.ajax({ url: $form.attr("action"), method: "POST", data: $form.serialize(), dataType: "json", headers: ajax })
      .done(function (data) {
        $("[data-comment-none]").remove();
        $("[data-comment-list]").append(data.html);
        $form.find("textarea").val("");
        announce(gettext("Your comment is posted."));
      })
      .fail(function (xhr) { $error.text(failure(xhr)).prop("hidden", false); })
      .always(function () { $button.prop("disabled", false); });
  });

  $(document).on("submit", "form[data-comment-edit]", function (event) {
    event.preventDefault();
    var $form = $(this);
    $.ajax({ url: $form.attr("action"), method: "POST", data: $form.serialize(), dataType: "json", headers: ajax })
      .done(function (data) {
        var $next = $($.parseHTML($.trim(data.html)));
        $form.closest("li.comment").replaceWith($next);
        announce(gettext("Comment saved."));
        $next.find("summary").first().trigger("focus");
      })
      .fail(function (xhr) { window.alert(failure(xhr)); });
  });

  $(document).on("submit", "form[data-comment-delete]", function (event) {
    event.preventDefault();
    var $form = $(this);
    $.ajax({ url: $form.attr("action"), method: "POST", data: $form.serialize(), dataType: "json", headers: ajax })
      .done(function () {
        $form.closest("li.comment").remove();
        announce(gettext("Comment deleted."));
        $("#comment-body").trigger("focus");  // its button is gone: focus stays in the comments
      })
      .fail(function (xhr) { window.alert(failure(xhr)); });
  });

  $(document).on("click", "[data-comment-earlier] a", function (event) {
    event.preventDefault();
    var $item = $(this).closest("li");
    $.ajax({ url: this.href, headers: ajax }).done(function (html) { $item.replaceWith(html); });
  });
})(jQuery);
