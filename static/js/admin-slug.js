// Fills a slug from its source field as Django's own filler does, but keeps the dash between
// two numbers ("Ronde 2024–2025" gives "ronde-2024-2025", not "ronde-20242025"). Like Django's,
// it stops once the manager edits the slug by hand.
(function () {
  "use strict";

  function slugify(text, maxLength) {
    const slug = text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return slug.slice(0, maxLength).replace(/-+$/, "");
  }

  function init() {
    const constants = document.getElementById("django-admin-prepopulated-fields-constants");
    if (!constants) {
      return;
    }
    const fields = JSON.parse(constants.dataset.prepopulatedFields || "[]");
    fields.forEach(function (field) {
      const target = document.querySelector(field.id);
      const sources = field.dependency_ids.map(function (id) { return document.querySelector(id); });
      if (!target || sources.includes(null) || target.value) {
        return;  // an existing slug is never rewritten
      }
      let edited = false;
      target.addEventListener("input", function () { edited = true; });
      const fill = function () {
        // After Django's own filler, which listens to the same events.
        window.setTimeout(function () {
          if (!edited) {
            target.value = slugify(sources.map(function (s) { return s.value; }).join(" "), field.maxLength);
          }
        }, 0);
      };
      sources.forEach(function (source) {
        ["keyup", "change", "focus", "input"].forEach(function (name) { source.addEventListener(name, fill); });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
