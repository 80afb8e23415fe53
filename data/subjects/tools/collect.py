"""Rebuilds data/subjects/ (photos + labels.tsv) from Debian packages: see ../README.md.

Usage (Debian bookworm, root for apt-get download; needs imagemagick with WebP support):
    python3 data/subjects/tools/collect.py
"""
import os, re, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from extract_rcc import extract

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(HERE, 'photos')
MAX_SIDE = 512
# Licences of the files that are not documented next to them (verified in each package's own docs; see README.md).
KNOWN = {
    'astronaut.png': ('Public-Domain', 'NASA (Eileen Collins)', 'skimage.data.astronaut docstring: "No known copyright restrictions, released into the public domain"'),
    'chelsea.png': ('CC0-1.0', 'Stefan van der Walt', 'skimage.data.chelsea docstring: "No copyright restrictions. CC0 by the photographer"'),
    'coffee.png': ('CC0-1.0', 'Rachel Michetti', 'skimage.data.coffee docstring: "No copyright restrictions. CC0 by the photographer"'),
    'rocket.jpg': ('Public-Domain', 'SpaceX', 'skimage.data.rocket docstring: "released in the public domain"'),
    'china.jpg': ('CC-BY-2.0', 'danielbuechele', 'sklearn/datasets/images/README.txt; https://www.flickr.com/photos/danielbuechele/6061409035/'),
    'flower.jpg': ('CC-BY-2.0', 'vultilion', 'sklearn/datasets/images/README.txt; https://www.flickr.com/photos/vultilion/6056698931/'),
}
ACCEPTED = re.compile(r'^(public.?domain|cc0-1\.0|cc-by-[0-9.]+)$', re.I)  # permissive only: no -SA, no GPL/GFDL

def readme_licence(folder, name):
    """GCompris documents each photo in a README beside it: Copyright/Source/License/Files blocks."""
    text = open(os.path.join(folder, 'README'), encoding='utf-8').read()
    for block in re.split(r'\n\s*\n', text):
        files = re.search(r'^Files:\s*(.*?)(?=^\w+:|\Z)', block, re.M | re.S)
        if files and name in re.findall(r'[\w.\-]+', files.group(1)):
            get = lambda key: (re.search(rf'^{key}:\s*(.+)$', block, re.M | re.I) or [None, ''])[1].strip()
            return get('License').replace(' ', '-'), get('Copyright'), get('Source')
    raise SystemExit(f'no licence for {name} in {folder}/README')

def main():
    rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(HERE, 'selection.tsv'), encoding='utf-8') if l.strip() and not l.startswith('#')]
    work = tempfile.mkdtemp(prefix='subjects-')
    packages = sorted({r[1] for r in rows})
    subprocess.run(['apt-get', 'download', *packages], cwd=work, check=True)
    roots = {}
    for p in packages:
        deb = next(f for f in os.listdir(work) if f.startswith(p + '_') and f.endswith('.deb'))
        roots[p] = (os.path.join(work, p), deb)
        subprocess.run(['dpkg-deb', '-x', os.path.join(work, deb), roots[p][0]], check=True)
    os.makedirs(PHOTOS, exist_ok=True)
    out = ['file\tsubjects\tdog\tcategories\tpackage\tpath\tlicence\tauthor\tupstream']
    for name, package, path, subjects, dog, categories in rows:
        root, deb = roots[package]
        if '!' in path:
            rcc, member = path.split('!')
            target = os.path.join(work, 'rcc', rcc)
            if not os.path.isdir(target):
                extract(os.path.join(root, 'usr/share/gcompris-qt/rcc', rcc), target)
            source = os.path.join(target, 'gcompris/src/activities', member)
            licence, author, upstream = readme_licence(os.path.dirname(source), os.path.basename(source))
            shown_path = f'/usr/share/gcompris-qt/rcc/{rcc} → :/gcompris/src/activities/{member}'
        else:
            source = root + path
            licence, author, upstream = KNOWN[os.path.basename(path)]
            shown_path = path
        if not ACCEPTED.match(licence):
            raise SystemExit(f'{name}: licence {licence} is not permissive')
        file = f'{name}.jpg'
        subprocess.run(['convert', source, '-auto-orient', '-strip', '-resize', f'{MAX_SIDE}x{MAX_SIDE}>', '-quality', '85',
                        os.path.join(PHOTOS, file)], check=True)
        out.append('\t'.join([f'photos/{file}', subjects, dog, '' if categories == '-' else categories, deb.rsplit('.', 1)[0], shown_path, licence, author, upstream]))
    with open(os.path.join(HERE, 'labels.tsv'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')
    print(f'{len(rows)} photos written to {PHOTOS}')

main()
