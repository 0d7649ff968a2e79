#!/usr/bin/env bash
# Local copies of the scripts the built book loads, so that it fetches nothing from a CDN.
#
# 1. `npm ci` installs the exact versions of web/package-lock.json into web/node_modules.
# 2. Only the files the pages load are copied to book/_vendor/npm/ (git-ignored), which
#    _config.yml adds to `html_static_path`: the site serves them as _static/npm/...
#      mathjax/        tex-mml-chtml.js, its fonts and the components it loads on demand
#      requirejs/      require.js (the AMD loader the widget manager needs)
#      html-manager/   embed-amd.js (renders saved ipywidgets state) and its icon fonts
#      reveal.js/      the slide decks' reveal.js: dist/ (script, CSS, themes and their fonts)
#                      and the speaker-notes plugin (scripts/make_slides.py copies it next to the decks)
#      noto-sans-kr/   the Korean site's Hangul font (woff2, regular and bold) and its licence
#    The book loads only MathJax (see _config.yml), the Korean site also the font; the slides
#    load MathJax and reveal.js.
#
# Idempotent: when web/package*.json and this script are unchanged since the last run, it
# does nothing (a stamp holds their hash). Needs node and npm (and the npm registry on a fresh clone).
set -euo pipefail
cd "$(dirname "$0")/.."

web=web
vendor=book/_vendor
out=$vendor/npm
stamp=$vendor/.stamp

hash_inputs() {
    cat "$web/package.json" "$web/package-lock.json" "$0" | sha256sum | cut -d' ' -f1
}
want=$(hash_inputs)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$out" ]; then
    echo "install_assets: $out is up to date"
    exit 0
fi

for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "install_assets: '$tool' is not installed (apt-get install nodejs npm)" >&2; exit 1; }
done

# npm ci wipes and reinstalls node_modules: skip it when the installed tree matches the lock.
lock_hash=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$web/node_modules/.lrlab-lock" 2>/dev/null)" != "$lock_hash" ]; then
    npm ci --prefix "$web" --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > "$web/node_modules/.lrlab-lock"
fi

nm=$web/node_modules
tmp=$(mktemp -d "$vendor.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# MathJax 3 (Sphinx 7's default major version): the combined TeX+MathML -> CommonHTML component,
# its woff2 fonts, the TeX packages `autoload` pulls in, and the menu's accessibility components.
mj=$nm/mathjax/es5
mkdir -p "$tmp/npm/mathjax/output/chtml/fonts" "$tmp/npm/mathjax/input/tex" "$tmp/npm/mathjax/input/mml"
cp "$mj/tex-mml-chtml.js" "$tmp/npm/mathjax/"
cp -r "$mj/output/chtml/fonts/woff-v2" "$tmp/npm/mathjax/output/chtml/fonts/"
cp -r "$mj/input/tex/extensions" "$tmp/npm/mathjax/input/tex/"
cp -r "$mj/input/mml/extensions" "$tmp/npm/mathjax/input/mml/"
cp -r "$mj/a11y" "$mj/sre" "$mj/ui" "$tmp/npm/mathjax/"

mkdir -p "$tmp/npm/requirejs"
cp "$nm/requirejs/require.js" "$tmp/npm/requirejs/"

# The widget manager and the font files its CSS references (webpack-hashed names).
hm=$nm/@jupyter-widgets/html-manager/dist
mkdir -p "$tmp/npm/html-manager"
cp "$hm/embed-amd.js" "$hm"/*.woff2 "$hm"/*.woff "$hm"/*.ttf "$hm"/*.eot "$hm"/*.svg "$tmp/npm/html-manager/"

# reveal.js for the slides (scripts/make_slides.py): the UMD build, its CSS and themes (with the
# fonts the themes reference), and the speaker-notes plugin.
rv=$nm/reveal.js
mkdir -p "$tmp/npm/reveal.js/dist" "$tmp/npm/reveal.js/plugin/notes"
cp "$rv/dist/reveal.js" "$rv/dist/reveal.css" "$rv/dist/reset.css" "$tmp/npm/reveal.js/dist/"
cp -r "$rv/dist/theme" "$tmp/npm/reveal.js/dist/"
cp "$rv/plugin/notes/notes.js" "$tmp/npm/reveal.js/plugin/notes/"
cp "$rv/LICENSE" "$tmp/npm/reveal.js/"

# The Korean site's font (book/_ext/static/lrlab-ko.css): Noto Sans KR's "korean" subset (all
# 11,172 Hangul syllables and the jamo), regular and bold, woff2 only (every browser the site
# supports reads it), and its licence (SIL OFL 1.1).
kr=$nm/@fontsource/noto-sans-kr
mkdir -p "$tmp/npm/noto-sans-kr"
for weight in 400 700; do
    cp "$kr/files/noto-sans-kr-korean-$weight-normal.woff2" "$tmp/npm/noto-sans-kr/"
done
cp "$kr/LICENSE" "$tmp/npm/noto-sans-kr/"

for pkg in mathjax requirejs @jupyter-widgets/html-manager reveal.js @fontsource/noto-sans-kr; do
    node -e 'const p=require(process.argv[1]); console.log(`${p.name}@${p.version}`)' "$PWD/$nm/$pkg/package.json"
done > "$tmp/npm/VERSIONS.txt"

rm -rf "$out"
mkdir -p "$vendor"
mv "$tmp/npm" "$out"
# The folder is generated: keep it out of git without touching the repository's .gitignore.
printf '*\n' > "$vendor/.gitignore"
echo "$want" > "$stamp"
echo "install_assets: installed $(tr '\n' ' ' < "$out/VERSIONS.txt")into $out"
