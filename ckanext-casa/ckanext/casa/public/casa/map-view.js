/* The map preview of a GeoJSON resource (the casa_map view).
 *
 * Leaflet (bundled from npm, public/casa/vendor/leaflet) draws the features
 * on a plain background, with no tile layer: the portal must work on a
 * closed network. Written here rather than taken from ckanext-geoview,
 * whose Leaflet preview always adds a base layer of tiles from the internet.
 * Every text from the data reaches the page as text (textContent), never as
 * HTML. When the map cannot be drawn, the page says why. */
(function () {
  "use strict";
  var box = document.getElementById("casa-map");
  var message = document.getElementById("casa-map-message");
  if (!box || !message) { return; }
  var data = box.dataset;

  function say(text) {
    message.textContent = text;
    message.hidden = false;
    box.hidden = true;
  }

  function label(properties) {
    if (!properties) { return ""; }
    var order = data.lang === "ar" ? ["name_ar", "name_fr", "name"] : ["name_fr", "name", "name_ar"];
    for (var i = 0; i < order.length; i++) {
      if (properties[order[i]]) {
        var code = properties.code ? " (" + properties.code + ")" : "";
        return String(properties[order[i]]) + code;
      }
    }
    return properties.code ? String(properties.code) : "";
  }

  function draw(geojson) {
    var map = L.map(box, {attributionControl: false, zoomSnap: 0.25});
    var layer = L.geoJSON(geojson, {
      style: function () { return {color: "#1f5f7a", weight: 1, fillColor: "#4f9fbf", fillOpacity: 0.25}; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {radius: 4, color: "#1f5f7a", weight: 1, fillOpacity: 0.7});
      },
      onEachFeature: function (feature, shape) {
        var text = label(feature.properties);
        if (text) {
          var node = document.createElement("span");
          node.textContent = text;
          shape.bindTooltip(node, {sticky: true});
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (!bounds.isValid()) {
      say(data.empty);
      return;
    }
    map.fitBounds(bounds, {padding: [8, 8]});
    L.control.scale({imperial: false}).addTo(map);
    box.setAttribute("data-drawn", String(layer.getLayers().length));
  }

  // Our own reasons are said as they are; anything else (network, not JSON)
  // as "unreadable", in the page's language rather than the browser's.
  function reason(text) { var error = new Error(text); error.casa = true; return error; }

  fetch(data.url, {credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) { throw reason(data.httpError.replace("{status}", response.status)); }
      var size = Number(response.headers.get("Content-Length") || 0);
      if (size > Number(data.maxBytes)) { throw reason(data.tooBig); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) { say(data.failed + " " + (error && error.casa ? error.message : data.unreadable)); });
})();
