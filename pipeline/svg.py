"""SVG images as XML, cleaned to an allow-list: no script, no event handler, no fetch.

An SVG is parsed with defusedxml (no DTD, no entities, no network), so a script hidden
behind a namespace prefix (`<s:script xmlns:s="http://www.w3.org/2000/svg">`) or a
`javascript:` hidden behind character references (`&#106;avascript:`) is seen for what it
is. Elements and attributes must be on the allow-lists below, and every reference must stay
inside the image (`#id`) or be an inline raster image (`data:image/png;base64,…`). Editor
metadata from Inkscape, Sodipodi or Illustrator is stripped, not refused. The published
image is the cleaned one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Namespaces of editor metadata: their elements and attributes are dropped.
EDITORS = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://ns.adobe.com/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://web.resource.org/cc/",
)
ELEMENTS = frozenset(
    """svg g defs title desc metadata path rect circle ellipse line polyline polygon text
    tspan textPath linearGradient radialGradient stop clipPath mask pattern symbol use marker
    image filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence switch""".split()
)
# Presentation and geometry attributes; anything else (on*, style sheets that fetch) is refused.
ATTRIBUTES = frozenset(
    """id class style x y x1 x2 y1 y2 cx cy r rx ry width height d points transform viewBox
    preserveAspectRatio version baseProfile fill fill-opacity fill-rule stroke stroke-width
    stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset
    stroke-opacity opacity font-family font-size font-weight font-style font-variant
    text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing
    word-spacing text-decoration writing-mode direction unicode-bidi dx dy rotate
    textLength lengthAdjust offset stop-color stop-opacity gradientUnits gradientTransform
    spreadMethod fx fy fr patternUnits patternContentUnits patternTransform clipPathUnits
    maskUnits maskContentUnits clip-path clip-rule mask filter filterUnits primitiveUnits
    in in2 result stdDeviation mode operator k1 k2 k3 k4 type values tableValues slope
    intercept amplitude exponent dur order kernelMatrix divisor bias targetX targetY
    edgeMode kernelUnitLength preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent azimuth elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle
    scale xChannelSelector yChannelSelector radius baseFrequency numOctaves seed
    stitchTiles flood-color flood-opacity lighting-color color display visibility overflow
    marker-start marker-mid marker-end markerWidth markerHeight markerUnits refX refY
    orient href role aria-label aria-hidden aria-labelledby aria-describedby lang
    systemLanguage vector-effect paint-order shape-rendering text-rendering
    color-interpolation color-interpolation-filters isolation mix-blend-mode
    enable-background""".split()
)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_CSS_FETCH = re.compile(r"@import|expression\(|javascript:|behavior\s*:", re.IGNORECASE)
MAX_SVG = 5_000_000  # bytes


class UnsafeSvg(ValueError):
    """The SVG cannot be published; the message says what to remove."""


def clean(data: bytes) -> bytes:
    """Return the SVG without editor metadata; raise UnsafeSvg for anything not allowed."""
    if len(data) > MAX_SVG:
        raise UnsafeSvg(f"it is larger than {MAX_SVG // 1_000_000} MB; simplify or compress it")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UnsafeSvg("it declares a DTD or entities; save it as plain SVG") from None
    except ET.ParseError as exc:
        raise UnsafeSvg(f"it is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise UnsafeSvg("its root element is not an SVG <svg> element")
    _clean(root)
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(element: ET.Element) -> None:
    for child in list(element):
        namespace, name = _split(child.tag)
        if namespace.startswith(EDITORS):
            element.remove(child)
            continue
        if namespace != SVG or name not in ELEMENTS:
            raise UnsafeSvg(f"it has a <{name}> element, which is not allowed; remove it")
        _clean(child)
    _attributes(element)


def _attributes(element: ET.Element) -> None:
    for key, value in list(element.attrib.items()):
        namespace, name = _split(key)
        if namespace.startswith(EDITORS):
            del element.attrib[key]
            continue
        allowed = (namespace == "" and name in ATTRIBUTES) or (
            (namespace, name) in ((XLINK, "href"), (XLINK, "title"), (XML, "space"), (XML, "lang"))
        )
        if not allowed:
            raise UnsafeSvg(f"it has an attribute {name!r}, which is not allowed; remove it")
        if name == "href":
            _reference(value, _split(element.tag)[1])
        for _, target in _URL.findall(value):
            if not target.strip().startswith("#"):
                raise UnsafeSvg(f"it refers to {target!r}; only references inside it are allowed")
        if _CSS_FETCH.search(value):
            raise UnsafeSvg(f"its attribute {name!r} could run code; remove it")


def _reference(value: str, element: str) -> None:
    target = "".join(value.split())  # browsers ignore whitespace inside URLs
    if target.startswith("#") or (element in ("image", "feImage") and _DATA_IMAGE.match(value)):
        return
    raise UnsafeSvg(
        f"its <{element}> refers to {value[:60]!r}; only '#id' references and inline "
        "PNG, JPEG, GIF or WebP images are allowed"
    )


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag
