"""The words and marks that say what a line of a release is, in the languages presskit's
users write (English, Spanish, French, German and others): the release line, the embargo,
labels, the end mark, the About and notes headings, a picture's caption and credit."""
from __future__ import annotations

import re

IMMEDIATE = re.compile(
    r"^\W*(for immediate (release|distribution)|immediate release|release immediately"
    r"|para (su )?(difusi[oó]n|publicaci[oó]n|distribuci[oó]n) inmediata"
    r"|(difusi[oó]n|publicaci[oó]n) inmediata|pour (diffusion|publication) imm[ée]diate"
    r"|diffusion imm[ée]diate|[àa] diffuser imm[ée]diatement"
    r"|zur (sofortigen )?ver[öo]ffentlichung( frei| freigegeben)?|sofort zur ver[öo]ffentlichung"
    r"|zur sofortigen freigabe|freigabe: sofort)(?=\W|$)[\s:,–—-]*", re.I)
EMBARGO = re.compile(r"\b(embargo(ed|es)?|embargad[oa]s?|sperrfrist|sperrvermerk"
                     r"|not for (release|publication|broadcast) (before|until)"
                     r"|hold (for release|until)|for release (at|on|after))\b", re.I)
LABEL = re.compile(
    r"^\W*((joint )?(press|news|media) (release|statement|advisory)|press notice"
    r"|(nota|comunicado) de prensa|comunicado|communiqu[ée]( de presse)?"
    r"|presse(mitteilung|information|erkl[äa]rung)|medienmitteilung|press release)\W*$", re.I)
MORE = re.compile(r"^\W*(more|m[áa]s|suite|mehr|weiter|continued|contin[úu]a)\W*$", re.I)
END = re.compile(r"^\s*(#\s*#\s*#|-\s*30\s*-|[-–—]*\s*(ends?|fin|ende|fin du communiqu[ée])"
                 r"\.?\s*[-–—]*|\*\s*\*\s*\*|x{3})\s*$", re.I)
ABOUT = re.compile(r"^\W*(about|acerca de|sobre|[àa] propos d[e'’]|über|ueber|qui sommes-nous"
                   r"|quiénes somos)(\s|$)", re.I)
NOTES = re.compile(
    r"^\W*(notes? (to|for) (the )?editors?|editors?['’]?s? notes?"
    r"|notas? (para|a) (los |las )?(editores|redactores|redacciones|periodistas)"
    r"|notas? al editor|notes? (aux|pour les|à l['’]attention des) (r[ée]dactions|r[ée]dacteurs"
    r"|[ée]diteurs|journalistes)|hinweise? (für|an) (die )?redaktion(en)?"
    r"|redaktionelle hinweise|anmerkungen? (für|an) (die )?redaktion(en)?)\b\W*", re.I)
CAPTION_WORD = re.compile(r"^\W*(photo|foto|caption|pie de foto|l[ée]gende|bildunterschrift"
                          r"|image|picture|imagen|bild)\b", re.I)
CREDIT = re.compile(r"\s*[(\[]?\s*((?:photo|foto|credit|cr[ée]dit|image|bild)\s*:\s*[^)\]]+"
                    r"|©\s*[^)\]]+)[)\]]?\s*$", re.I)
