from trajecten.markdown import render_markdown


def test_markdown_becomes_html():
    assert render_markdown("**vet** en [link](https://example.org)") == (
        '<p><strong>vet</strong> en <a href="https://example.org" '
        'rel="noopener noreferrer nofollow">link</a></p>'
    )


def test_scripts_and_event_handlers_are_stripped():
    html = render_markdown(
        "<script>alert(1)</script><img src=x onerror=alert(2)>"
        "[klik](javascript:alert(3)) <a href='data:text/html,x'>d</a>"
        '<iframe src="https://example.org"></iframe><p style="color:red">stijl</p>'
    )
    for bad in ("<script", "onerror", "javascript:", "data:", "<iframe", "style=", "<img"):
        assert bad not in html


def test_empty_text_gives_empty_html():
    assert render_markdown("   \n") == ""
