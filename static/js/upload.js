/* "Bookmark an image": choose, drop or paste a file from the device instead of an address.
   Plain JS (no inline code: the site's CSP is script-src 'self'). Without JS the file field
   still works; the server checks every upload (bookmarks/imaging.py). */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload-form]");
  if (!form) { return; }
  var zone = form.querySelector("[data-dropzone]");
  var input = form.querySelector("[data-dropzone-input]");
  var chosen = form.querySelector("[data-dropzone-chosen]");
  var nameOut = form.querySelector("[data-dropzone-name]");
  var url = form.querySelector("input[name=url]");
  var title = form.querySelector("input[name=title]");
  var preview = document.querySelector("[data-preview]");
  var previewImage = document.querySelector("[data-preview-image]");
  var previewCaption = document.querySelector("[data-preview-caption]");
  var autoTitle = "";

  function firstImage(list) {
    for (var i = 0; list && i < list.length; i++) {
      var item = list[i];
      var file = item.getAsFile ? (item.kind === "file" ? item.getAsFile() : null) : item;
      if (file && (!file.type || file.type.indexOf("image/") === 0)) { return file; }
    }
    return null;
  }

  function stem(name) {
    return (name || "").replace(/\.[^.]*$/, "").replace(/[_-]+/g, " ").trim();
  }

  // Show the chosen file; an upload replaces the address (the server takes one or the other).
  function showChosen() {
    var file = input.files && input.files[0];
    chosen.hidden = !file;
    zone.classList.toggle("has-file", !!file);
    if (!file) { return; }
    nameOut.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
    if (url) { url.value = ""; }
    if (title && (!title.value || title.value === autoTitle)) {
      autoTitle = stem(file.name);
      title.value = autoTitle;
    }
    if (preview && previewImage) {
      var reader = new FileReader();
      reader.onload = function () {
        previewImage.src = reader.result;
        previewCaption.textContent = gettext("Preview of your file");
        preview.hidden = false;
      };
      reader.readAsDataURL(file);
    }
  }

  function useFile(file) {
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    showChosen();
  }

  input.addEventListener("change", showChosen);

  form.querySelector("[data-dropzone-clear]").addEventListener("click", function () {
    input.value = "";
    showChosen();
    if (preview) { preview.hidden = true; }
    input.focus();
  });

  // A file dropped anywhere on the form lands in the file field (and never makes the
  // browser leave the page to show it).
  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }
  var depth = 0;  // dragenter/dragleave also fire for every child the pointer crosses
  form.addEventListener("dragenter", function (event) {
    if (!carriesFiles(event)) { return; }
    event.preventDefault();
    depth += 1;
    zone.classList.add("is-dragging");
  });
  form.addEventListener("dragover", function (event) {
    if (carriesFiles(event)) { event.preventDefault(); }
  });
  form.addEventListener("dragleave", function () {
    depth = Math.max(0, depth - 1);
    if (!depth) { zone.classList.remove("is-dragging"); }
  });
  form.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) { return; }
    event.preventDefault();
    depth = 0;
    zone.classList.remove("is-dragging");
    var file = firstImage(event.dataTransfer.files);
    if (file) { useFile(file); }
  });

  // While the server downloads or checks the image (seconds, for a large one), say so: the
  // button is disabled and reads "Saving…", and a second submit (a double click, Enter again)
  // is swallowed, so one click makes one bookmark request.
  var submitButton = form.querySelector("button[type=submit]");
  var buttonLabel = submitButton ? submitButton.textContent : "";
  var progress = document.createElement("p");
  progress.className = "form-progress small";
  progress.setAttribute("role", "status");
  progress.setAttribute("data-form-progress", "");
  progress.hidden = true;
  form.appendChild(progress);
  var submitting = false;

  function setSaving(saving) {
    submitting = saving;
    if (saving) { form.setAttribute("aria-busy", "true"); } else { form.removeAttribute("aria-busy"); }
    if (submitButton) {
      submitButton.disabled = saving;
      submitButton.textContent = saving ? gettext("Saving…") : buttonLabel;
    }
    progress.hidden = !saving;
    progress.textContent = "";
    if (!saving) { return; }
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    progress.appendChild(spinner);
    progress.appendChild(document.createTextNode(input.files && input.files.length ?
      gettext("Uploading and checking your image…") :
      gettext("Downloading the image from its site and checking it… This can take a few seconds.")));
  }

  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    setSaving(true);
  });
  // Back to this page from the next one (the browser's page cache): usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { setSaving(false); }
  });

  // Ctrl/Cmd+V of an image anywhere on the page (text pastes into fields as usual).
  document.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    var file = data && (firstImage(data.files) || firstImage(data.items));
    if (!file) { return; }
    event.preventDefault();
    if (!file.name || file.name === "image.png") {
      file = new File([file], "pasted-image." + (file.type.split("/")[1] || "png"), { type: file.type });
    }
    useFile(file);
  });
}());
