// Keeps the library non-empty until the area has sources; delete when it does.
