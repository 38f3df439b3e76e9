// kefu: the only script of the pages. It shows the progress of uploads
// and prints the printable pages; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
});
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var bar = document.getElementById("import-progress");
    var status = document.getElementById("import-status");
    bar.hidden = false;
    bar.value = 0;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");
      status.textContent = status.getAttribute("data-working");
    };
    xhr.onload = function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = doc.querySelector("main");
      if (fresh) document.querySelector("main").replaceWith(fresh);
      else status.textContent = status.getAttribute("data-failed");
    };
    xhr.onerror = function () {
      status.textContent = status.getAttribute("data-failed");
    };
    xhr.send(new FormData(form));
  });
});
