package org.tinyfit.device;

/** Where a device's figures come from: a datasheet's title, its document number and where to get it. */
public record Source(String title, String document, String url) {
    public Source {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("a source needs a title");
        document = document == null ? "" : document;
        url = url == null ? "" : url;
    }

    /** "STM32F745xx STM32F746xx datasheet (DS10916), https://...". */
    public String cite() {
        return title + (document.isEmpty() ? "" : " (" + document + ")") + (url.isEmpty() ? "" : ", " + url);
    }
}
