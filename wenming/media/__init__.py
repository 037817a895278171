"""Images and their variants, Markdown rendering, QR codes and charts."""
