"""Throughput of `transforms.figures.extract_figures` on ~2 MB of mixed-language news-like text.

Why: the extractor runs over every article the pipeline archives, and the peer baselines
(docs: reference baselines §4) put quantulum3 at 0.03 MB/s and plain regexes at 9–70 MB/s. The text
is generated here, deterministically (seeded), from en/fr/de/ja/zh templates with random amounts,
years, dates and counts, one paragraph per line like a corpus of short articles. We time the
extractor (median of 3) and a naive number regex over the same text in the same process, so the
ratio does not depend on the machine.

Run: ``.venv/bin/python benchmarks/bench_figures.py [--mb 2.0] [--seed 7]``
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.figures import extract_figures

NAIVE_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _en(r: random.Random) -> str:
    return r.choice([
        f"Japan's digital deficit reached {r.randint(1, 9)}.{r.randint(10, 99)} trillion yen "
        f"(${r.randint(20, 60)} billion) in {r.randint(2015, 2025)}, up {r.randint(1, 30)}% from a year earlier.",
        f"The government plans to spend £{r.randint(1, 9)}.{r.randint(1, 9)}bn on broadband over ten years.",
        f"The loan carries an interest rate of {r.randint(1, 9)}.{r.randint(10, 99)} per cent, "
        f"about {r.randint(1, 3)} percentage points above last year.",
        f"Revenue rose to €{r.randint(5, 40)}.{r.randint(1, 9)} million from €{r.randint(5, 40)}.1 million a year ago.",
        f"Some {r.randint(1000, 9000):,} workers at {r.randint(3, 40)} plants were affected on March {r.randint(1, 28)}.",
        f"Exports are expected to reach US${r.randint(10, 90)}bn by {r.randint(2026, 2035)}, "
        f"while imports fell {r.randint(1, 9)}.{r.randint(0, 9)}%.",
        f"The population of {r.randint(10, 20)}.{r.randint(1, 9)} million grew by {r.randint(1000, 9000):,} people.",
        f"A kilo of rice now costs {r.randint(3000, 5000):,} yen, more than {r.randint(20, 60)}% above 2024.",
        f"Tokyo aims to raise content exports to {r.randint(10, 30)} trillion yen by 2033, the minister said "
        f"on {r.randint(1, 28)} June.",
    ])


def _fr(r: random.Random) -> str:
    return r.choice([
        f"Le gouvernement investira {r.randint(1, 9)} 000 milliards de yens sur {r.randint(3, 10)} ans, "
        f"soit environ {r.randint(10, 90)},{r.randint(1, 9)} milliards d'euros.",
        f"Le salaire annuel moyen des jeunes de 20 à 24 ans est d'environ {r.randint(150, 350)},{r.randint(1, 9)} 万円.",
        f"La croissance atteint {r.randint(1, 30)} % en {r.randint(2015, 2025)}, avec plus de {r.randint(50, 95)} % "
        f"des ventes à l'étranger.",
        f"Le déficit pourrait atteindre {r.randint(20, 60)}兆円 d'ici 2035, selon le ministère, le {r.randint(1, 28)} décembre.",
        f"Les entreprises dont le chiffre d'affaires est inférieur à {r.randint(5, 20)} millions de yen "
        f"représentent {r.randint(1, 9)} 238 sociétés.",
        f"L'objectif de {r.randint(10, 30)}兆円 reste ambitieux face aux {r.randint(100, 999)} 億日圓 de la Corée.",
    ])


def _de(r: random.Random) -> str:
    return r.choice([
        f"Das Defizit stieg auf {r.randint(1, 9)},{r.randint(10, 99)} Billionen Yen, rund {r.randint(20, 60)} Mrd. Euro.",
        f"Der Umsatz wuchs um {r.randint(1, 20)},{r.randint(1, 9)} Prozent auf {r.randint(1, 9)}.{r.randint(100, 999)} Mio. Euro.",
        f"Die Regierung will bis zu {r.randint(2, 9)} Mrd. Euro investieren, sagte sie am {r.randint(1, 28)}. März "
        f"{r.randint(2015, 2025)}.",
        f"Mehr als {r.randint(1000, 9000)} Beschäftigte in {r.randint(3, 40)} Werken; die Quote liegt bei "
        f"{r.randint(1, 9)},{r.randint(1, 9)} %.",
        f"Der Zins stieg um {r.randint(1, 3)} Prozentpunkte, die Kosten werden auf {r.randint(2, 9)} Mrd. Euro geschätzt.",
    ])


def _ja(r: random.Random) -> str:
    return r.choice([
        f"デジタル赤字は{r.randint(1, 9)}兆{r.randint(1000, 9999)}億円となり、前年比{r.randint(1, 30)}％増えた。",
        f"政府は{r.randint(2024, 2026)}年{r.randint(1, 12)}月{r.randint(1, 28)}日、約{r.randint(100, 999)}億円の支援を決めた。",
        f"アニメーターの平均年収は{r.randint(150, 400)}万{r.randint(1, 9)}千円で、{r.randint(20, 24)}歳から"
        f"{r.randint(25, 29)}歳の若手は{r.randint(100, 300)}万円未満だった。",
        f"コンテンツ海外売上高を{r.randint(10, 30)}兆円に引き上げる目標で、成長率は{r.randint(1, 9)}.{r.randint(1, 9)}ポイント改善した。",
        f"市場規模は二十兆円を超え、{r.randint(1, 9)}万人が働く。赤字は▲{r.randint(1, 9)}.{r.randint(1, 9)}兆円。",
    ])


def _zh(r: random.Random) -> str:
    return r.choice([
        f"日本数字赤字达到{r.randint(1, 9)}.{r.randint(10, 99)}万亿日元，约合{r.randint(300, 600)}亿美元，"
        f"同比增长{r.randint(1, 30)}%。",
        f"韓國投入{r.randint(100, 999)} 億日圓，中國為{r.randint(1, 9)} {r.randint(100, 999)} 億日圓，"
        f"相當於新台幣{r.randint(10, 99)},000元。",
        f"预计到{r.randint(2026, 2035)}年市场规模将达到{r.randint(1, 9)}万亿元，超过{r.randint(10, 60)}亿美元的目标。",
        f"{r.randint(2015, 2025)}年共有{r.randint(100, 999)}家企业参与，占比百分之{r.randint(1, 9)}点{r.randint(1, 9)}。",
        f"平均月薪為{r.randint(30, 60)},{r.randint(100, 999)}元，較去年上升{r.randint(1, 5)}個百分點。",
    ])


GENERATORS: tuple[Callable[[random.Random], str], ...] = (_en, _fr, _de, _ja, _zh)


def generate(target_bytes: int, seed: int) -> str:
    """Paragraphs of 3–7 sentences, one language each, until `target_bytes` of UTF-8."""
    r = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < target_bytes:
        gen = r.choice(GENERATORS)
        para = " ".join(gen(r) for _ in range(r.randint(3, 7)))
        paragraphs.append(para)
        size += len(para.encode("utf-8")) + 1
    return "\n".join(paragraphs)


def _median_time(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="size of the generated text in MB")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    text = generate(int(args.mb * 1_000_000), args.seed)
    mb = len(text.encode("utf-8")) / 1e6

    extract_figures(text[:10_000])  # warm-up: compile-time work is not throughput
    t_fig, frame = _median_time(lambda: extract_figures(text))
    t_naive, naive = _median_time(lambda: NAIVE_RE.findall(text))

    tracemalloc.start()
    extract_figures(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    units = frame["unit"].value_counts(sort=True)
    print(f"text: {mb:.2f} MB ({len(text):,} chars, {text.count(chr(10)) + 1:,} paragraphs, seed {args.seed})")
    print(f"extract_figures: median {t_fig:.3f} s of 3 → {mb / t_fig:.1f} MB/s, {frame.height:,} figures")
    print(f"naive regex \\d[\\d,]*(?:\\.\\d+)?: median {t_naive:.3f} s → {mb / t_naive:.1f} MB/s, {len(naive):,} matches")
    print(f"ratio vs naive regex: {t_naive / t_fig:.3f} (extract_figures is {t_fig / t_naive:.1f}x slower)")
    print(f"peak memory (tracemalloc, one extract_figures call): {peak / 1e6:.1f} MB")
    print("figures by unit: " + ", ".join(f"{u}={n}" for u, n in units.iter_rows()))


if __name__ == "__main__":
    main()
