// Narrow the division and city lists to the chosen section and province.
(function () {
  "use strict";
  function linkSelects(parentId, childId, matches) {
    var parent = document.getElementById(parentId);
    var child = document.getElementById(childId);
    if (!parent || !child) return;
    var groups = Array.prototype.slice.call(child.querySelectorAll("optgroup"));
    function update() {
      groups.forEach(function (group) {
        var show = matches(group, parent.value);
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = child.options[child.selectedIndex];
      if (selected && selected.parentNode.disabled) child.value = "";
    }
    parent.addEventListener("change", update);
    update();
  }
  linkSelects("industry_section", "industry_division", function (group, value) {
    return value !== "" && group.label.indexOf(value + " ") === 0;
  });
  var provinceSelect = document.getElementById("province_code");
  linkSelects("province_code", "city_code", function (group) {
    var option = provinceSelect.options[provinceSelect.selectedIndex];
    return option && option.value !== "" && group.label === option.text;
  });
})();
