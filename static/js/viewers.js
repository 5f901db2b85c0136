/* "N looking now" on an image page: a heartbeat every 20 s while the tab is visible
   (images/viewers.py counts the pages that beat in the last 45 s). */
(function ($) {
  "use strict";
  var $box = $("[data-live-viewers]");
  if (!$box.length) { return; }
  var token = $box.find("input[name=csrfmiddlewaretoken]").val();
  function beat() {
    if (document.visibilityState === "hidden") { return; }
    $.ajax({ url: $box.data("url"), method: "POST", data: { id: $box.data("image-id") }, dataType: "json",
             headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest" } })
      .done(function (data) {
        if (typeof data.viewers === "number") {
          $box.find("[data-viewers-count]").text(data.viewers);
          $box.prop("hidden", false);
        }
      });
  }
  beat();
  window.setInterval(beat, 20000);
  document.addEventListener("visibilitychange", beat);
})(jQuery);
