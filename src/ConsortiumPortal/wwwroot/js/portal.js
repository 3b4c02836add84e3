// Small browser helpers the portal calls through JS interop.
window.portal = {
  // Saves text as a file (receipts, CSV exports) without a round trip to the server.
  downloadText: function (fileName, mimeType, text) {
    const blob = new Blob([text], { type: mimeType });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
  print: function () { window.print(); }
};
