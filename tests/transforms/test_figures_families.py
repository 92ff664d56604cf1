# ruff: noqa: E501 - a table of sentences, one case per line, reads best unwrapped
"""Figures as people really write them (issue #11): one corpus of sentences and bare phrases per family
of writing and per language, scored for recall and precision, and checked case by case.

Each case is (family, language, text, expected rows). An expected row is (surface, value, unit) or
(surface, value, unit, qualifier) or, for ranges, (surface, value, unit, "range", value_low). Cases with
no expected row are negatives: the text must give no figure. The same corpus feeds
``benchmarks/figures.py --families``, which prints recall and precision per family and language.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pytest

from transforms.figures import extract_figures

R = "range"
Row = tuple[Any, ...]

# fmt: off
CORPUS: list[tuple[str, str, str, list[Row]]] = [
    # ---------------------------------------------------------------------------------------------
    # 1. Amounts in words: a unit or a percent word makes number words a figure
    ("words", "en", "The studio was fined seven million yen for unpaid overtime.", [("seven million yen", 7e6, "JPY")]),
    ("words", "en", "Support for the plan fell to forty percent in May.", [("forty percent", 40.0, "percent")]),
    ("words", "en", "A ticket costs twelve dollars and thirty cents.", [("twelve dollars and thirty cents", 12.3, "USD")]),
    ("words", "en", "two hundred and fifty thousand euros", [("two hundred and fifty thousand euros", 250000.0, "EUR")]),
    ("words", "en", "The fund raised one and a half billion dollars.", [("one and a half billion dollars", 1.5e9, "USD")]),
    ("words", "en", "a hundred pounds", [("a hundred pounds", 100.0, "GBP")]),
    ("words", "en", "Forty-three million dollars went to training.", [("Forty-three million dollars", 4.3e7, "USD")]),
    ("words", "en", "Millions of dollars were spent, and one of the two studios closed.", []),
    ("words", "en", "It would cost two or three million dollars.", []),
    ("words", "fr", "L'État versera trois millions d'euros aux studios.", [("trois millions d'euros", 3e6, "EUR")]),
    ("words", "fr", "La hausse atteint quinze pour cent.", [("quinze pour cent", 15.0, "percent")]),
    ("words", "fr", "soixante-dix euros", [("soixante-dix euros", 70.0, "EUR")]),
    ("words", "fr", "Le billet coûte quatre-vingt-dix-neuf euros.", [("quatre-vingt-dix-neuf euros", 99.0, "EUR")]),
    ("words", "fr", "deux cent cinquante mille yens", [("deux cent cinquante mille yens", 250000.0, "JPY")]),
    ("words", "fr", "Il a reçu deux millions et demi d'euros.", [("deux millions et demi d'euros", 2.5e6, "EUR")]),
    ("words", "fr", "Des milliards de dollars ont été investis.", []),
    ("words", "de", "Der Staat gibt dreiundvierzig Millionen Euro aus.", [("dreiundvierzig Millionen Euro", 4.3e7, "EUR")]),
    ("words", "de", "Ein Kaffee kostet vier Dollar.", [("vier Dollar", 4.0, "USD")]),
    ("words", "de", "Die Quote liegt bei dreißig Prozent.", [("dreißig Prozent", 30.0, "percent")]),
    ("words", "de", "zweihundertfünfzigtausend Euro", [("zweihundertfünfzigtausend Euro", 250000.0, "EUR")]),
    ("words", "de", "Das Projekt kostet zweieinhalb Milliarden Euro.", [("zweieinhalb Milliarden Euro", 2.5e9, "EUR")]),
    ("words", "de", "Eine Million Euro fließt in die Ausbildung.", [("Eine Million Euro", 1e6, "EUR")]),
    ("words", "ja", "おにぎりは七円値上がりした。", [("七円", 7.0, "JPY")]),
    ("words", "ja", "為替で四ドルの差が出た。", [("四ドル", 4.0, "USD")]),
    ("words", "ja", "予算は三千二百万円だった。", [("三千二百万円", 3.2e7, "JPY")]),
    ("words", "ja", "関東一円で大雨となった。", []),
    ("words", "zh", "一杯咖啡三美元。", [("三美元", 3.0, "USD")]),
    ("words", "zh", "门票两欧元。", [("两欧元", 2.0, "EUR")]),
    ("words", "zh", "他花了五块。", [("五块", 5.0, "CNY")]),
    ("words", "zh", "这三块土地都卖了。", []),
    ("words", "zh", "推动一元化管理。", []),
    # ---------------------------------------------------------------------------------------------
    # 2. Tenths and discounts: 割 (ja), 成 and 折 (zh)
    ("tenths", "ja", "回答者の8割が賛成した。", [("8割", 80.0, "percent")]),
    ("tenths", "ja", "六割半の企業が赤字だった。", [("六割半", 65.0, "percent")]),
    ("tenths", "ja", "全品3割引で販売する。", [("3割引", 30.0, "percent")]),
    ("tenths", "ja", "打率は3割2分5厘。", [("3割2分5厘", 32.5, "percent")]),
    ("tenths", "ja", "売上の割合が高い。", []),
    ("tenths", "zh", "七成五的受访者支持。", [("七成五", 75.0, "percent")]),
    ("tenths", "zh", "利润增长了7.5成。", [("7.5成", 75.0, "percent")]),
    ("tenths", "zh", "全场打八折。", [("八折", 80.0, "percent")]),
    ("tenths", "zh", "会员价六点五折。", [("六点五折", 65.0, "percent")]),
    ("tenths", "zh", "部分商品85折出售。", [("85折", 85.0, "percent")]),
    ("tenths", "zh", "三成员国反对。", []),
    ("tenths", "zh", "设备折旧很快。", []),
    # ---------------------------------------------------------------------------------------------
    # 3. Per-mille and smaller
    ("permille", "zh", "不良率为千分之三。", [("千分之三", 0.3, "percent")]),
    ("permille", "zh", "费率仅万分之五。", [("万分之五", 0.05, "percent")]),
    ("permille", "zh", "误差约百万分之二。", [("百万分之二", 0.0002, "percent", "approx")]),
    ("permille", "zh", "死亡率为3‰。", [("3‰", 0.3, "percent")]),
    ("permille", "ja", "出生率は7.5‰だった。", [("7.5‰", 0.75, "percent")]),
    ("permille", "ja", "金利を25ベーシスポイント引き上げた。", [("25ベーシスポイント", 0.25, "pp")]),
    ("permille", "en", "The levy is 2 per mille of turnover.", [("2 per mille", 0.2, "percent")]),
    ("permille", "en", "The Fed raised rates by 25 basis points.", [("25 basis points", 0.25, "pp")]),
    ("permille", "fr", "Le taux atteint 4 pour mille.", [("4 pour mille", 0.4, "percent")]),
    ("permille", "fr", "La BCE relève ses taux de 50 points de base.", [("50 points de base", 0.5, "pp")]),
    ("permille", "de", "Der Fahrer hatte 1,1 Promille im Blut.", [("1,1 Promille", 0.11, "percent")]),
    ("permille", "de", "Die Rendite stieg um 15 Basispunkte.", [("15 Basispunkte", 0.15, "pp")]),
    # ---------------------------------------------------------------------------------------------
    # 4. Sub-units joined to their main unit; a sub-unit alone is not a figure
    ("subunits", "en", "A sandwich now costs 4 dollars 20 cents.", [("4 dollars 20 cents", 4.2, "USD")]),
    ("subunits", "en", "Each share paid 2 pounds 50 pence.", [("2 pounds 50 pence", 2.5, "GBP")]),
    ("subunits", "en", "Stamps rose by 34 cents.", []),
    ("subunits", "fr", "Le menu coûte 12 euros et 5 centimes.", [("12 euros et 5 centimes", 12.05, "EUR")]),
    ("subunits", "fr", "La baguette est à 1 euro 20.", [("1 euro 20", 1.2, "EUR")]),
    ("subunits", "fr", "Le ticket vaut 3€50 pièce.", [("3€50", 3.5, "EUR")]),
    ("subunits", "fr", "Le timbre a pris 20 centimes.", []),
    ("subunits", "de", "Das Heft kostet 8 Dollar 40.", [("8 Dollar 40", 8.4, "USD")]),
    ("subunits", "de", "Ein Brötchen kostet 2 Euro 50 Cent.", [("2 Euro 50 Cent", 2.5, "EUR")]),
    ("subunits", "ja", "価格は3ドル50セントだった。", [("3ドル50セント", 3.5, "USD")]),
    ("subunits", "ja", "明治の米価は1500円25銭。", [("1500円25銭", 1500.25, "JPY")]),
    ("subunits", "ja", "手数料は50銭。", []),
    ("subunits", "ja", "運賃は7人民元と2角だった。", [("7人民元と2角", 7.2, "CNY")]),
    ("subunits", "zh", "一张票20元5角。", [("20元5角", 20.5, "CNY")]),
    ("subunits", "zh", "找零3元2角5分。", [("3元2角5分", 3.25, "CNY")]),
    ("subunits", "zh", "一斤苹果五块五。", [("五块五", 5.5, "CNY")]),
    ("subunits", "zh", "只要5角。", []),
    # ---------------------------------------------------------------------------------------------
    # 5. Signs in words and glyphs
    ("signs", "ja", "実質賃金はマイナス三％だった。", [("マイナス三％", -3.0, "percent")]),
    ("signs", "ja", "成長率はマイナス0.5%。", [("マイナス0.5%", -0.5, "percent")]),
    ("signs", "ja", "前年比－45％となった。", [("－45％", -45.0, "percent")]),
    ("signs", "zh", "增速为负2.5%。", [("负2.5%", -2.5, "percent")]),
    ("signs", "zh", "利润率為負1.2%。", [("負1.2%", -1.2, "percent")]),
    ("signs", "en", "Growth came in at minus 4 % last quarter.", [("minus 4 %", -4.0, "percent")]),
    ("signs", "en", "The margin is plus or minus 3%.", [("3%", 3.0, "percent")]),
    ("signs", "fr", "La croissance est à moins 2 % sur un an.", [("moins 2 %", -2.0, "percent")]),
    ("signs", "fr", "Il faut au moins 2 % de hausse.", [("2 %", 2.0, "percent", "at_least")]),
    ("signs", "fr", "Le solde tombe à –3 %.", [("–3 %", -3.0, "percent")]),
    ("signs", "de", "Die Wirtschaft schrumpfte um minus 1,5 Prozent.", [("minus 1,5 Prozent", -1.5, "percent")]),
    # ---------------------------------------------------------------------------------------------
    # 6. Full-width and mixed separators, suffixes
    ("separators", "ja", "増加率は７，５００パーセントに達した。", [("７，５００パーセント", 7500.0, "percent")]),
    ("separators", "ja", "売上は１２，３４５．６円。", [("１２，３４５．６円", 12345.6, "JPY")]),
    ("separators", "zh", "占比百分之３．６。", [("百分之３．６", 3.6, "percent")]),
    ("separators", "zh", "增幅达百分之2,400。", [("百分之2,400", 2400.0, "percent")]),
    ("separators", "zh", "2024，100亿元的预算", [("100亿元", 1e10, "CNY")]),
    ("separators", "en", "Her salary is $4.5k a month.", [("$4.5k", 4500.0, "USD")]),
    ("separators", "en", "The bonus was 4.5K euros.", [("4.5K euros", 4500.0, "EUR")]),
    ("separators", "en", "The price is ₹1,00,000.", [("₹1,00,000", 100000.0, "INR")]),
    ("separators", "fr", "Un salaire de 2,5k€ par mois.", [("2,5k€", 2500.0, "EUR")]),
    ("separators", "fr", "Le contrat vaut 1.234.567,89 €.", [("1.234.567,89 €", 1234567.89, "EUR")]),
    ("separators", "de", "Die Rechnung beträgt CHF 1'250.", [("CHF 1'250", 1250.0, "CHF")]),
    ("separators", "de", "Der Umsatz lag bei 1.234,5 Mio. Euro.", [("1.234,5 Mio. Euro", 1.2345e9, "EUR")]),
    # ---------------------------------------------------------------------------------------------
    # 7. Characters spread by spaces (text copied from PDFs)
    ("spread", "ja", "補助金は3  万  円です。", [("3  万  円", 3e4, "JPY")]),
    ("spread", "ja", "比率は８０パ ー セントだった。", [("８０パ ー セント", 80.0, "percent")]),
    ("spread", "ja", "予算は 1 2 0 億 円。", []),  # digits apart from digits are not joined: no figure rather than 0円
    ("spread", "ja", "総額は５　億　円となる。", [("５　億　円", 5e8, "JPY")]),
    ("spread", "zh", "增长二 百 个 百 分 点。", [("二 百 个 百 分 点", 200.0, "pp")]),
    ("spread", "zh", "投入3 亿 美 元。", [("3 亿 美 元", 3e8, "USD")]),
    ("spread", "zh", "第3 4万元", [("4万元", 4e4, "CNY")]),
    # ---------------------------------------------------------------------------------------------
    # 8. Every common currency under its own code
    ("currencies", "en", "The loonie fell; the deal is worth C$2.5bn.", [("C$2.5bn", 2.5e9, "CAD")]),
    ("currencies", "en", "Canberra pledged A$300m and Wellington NZ$40m.", [("A$300m", 3e8, "AUD"), ("NZ$40m", 4e7, "NZD")]),
    ("currencies", "en", "Revenue reached HK$12 billion.", [("HK$12 billion", 1.2e10, "HKD")]),
    ("currencies", "en", "Singapore set aside S$1.1 billion.", [("S$1.1 billion", 1.1e9, "SGD")]),
    ("currencies", "en", "Taipei offered NT$500 million.", [("NT$500 million", 5e8, "TWD")]),
    ("currencies", "en", "The fine was 40 million Hong Kong dollars.", [("40 million Hong Kong dollars", 4e7, "HKD")]),
    ("currencies", "en", "The budget is 30 billion Canadian dollars, and a coffee costs $4.", [("30 billion Canadian dollars", 3e10, "CAD"), ("$4", 4.0, "CAD")]),
    ("currencies", "en", "Apple earned $94 billion.", [("$94 billion", 9.4e10, "USD")]),
    ("currencies", "en", "Nestlé paid CHF 3.2 billion.", [("CHF 3.2 billion", 3.2e9, "CHF")]),
    ("currencies", "en", "India's plan costs ₹10,000 crore.", [("₹10,000 crore", 1e11, "INR")]),
    ("currencies", "en", "The deal was worth 5 billion rupees.", []),
    ("currencies", "en", "In India, the scheme pays 5,000 rupees a month.", [("5,000 rupees", 5000.0, "INR")]),
    ("currencies", "en", "Gazprom lost 600 billion roubles.", [("600 billion roubles", 6e11, "RUB")]),
    ("currencies", "en", "Petrobras paid R$ 2.3 billion.", [("R$ 2.3 billion", 2.3e9, "BRL")]),
    ("currencies", "en", "Mexico's budget is MXN 8 trillion.", [("MXN 8 trillion", 8e12, "MXN")]),
    ("currencies", "en", "Jakarta allocated IDR 50 trillion.", [("IDR 50 trillion", 5e13, "IDR")]),
    ("currencies", "en", "Aramco raised SAR 45 billion.", [("SAR 45 billion", 4.5e10, "SAR")]),
    ("currencies", "en", "Turkey spent 200 billion Turkish lira.", [("200 billion Turkish lira", 2e11, "TRY")]),
    ("currencies", "en", "Eskom needs R254 billion.", []),
    ("currencies", "en", "South Africa's Eskom needs R254 billion.", [("R254 billion", 2.54e11, "ZAR")]),
    ("currencies", "en", "China invested 3 trillion RMB, or 500 billion rmb abroad.", [("3 trillion RMB", 3e12, "CNY"), ("500 billion rmb", 5e11, "CNY")]),
    ("currencies", "en", "The grant is 80 million Chinese yuan.", [("80 million Chinese yuan", 8e7, "CNY")]),
    ("currencies", "en", "The museum sold 20 francs tickets to 5 million francs.", []),
    ("currencies", "en", "Swiss banks hold 800 billion francs.", [("800 billion francs", 8e11, "CHF")]),
    ("currencies", "en", "The bill was 10,000 crowns.", []),
    ("currencies", "en", "Sweden will spend 12 billion kronor.", [("12 billion kronor", 1.2e10, "SEK")]),
    ("currencies", "fr", "Ottawa prévoit 3 milliards de dollars canadiens.", [("3 milliards de dollars canadiens", 3e9, "CAD")]),
    ("currencies", "fr", "Canberra investit 2 milliards de dollars australiens.", [("2 milliards de dollars australiens", 2e9, "AUD")]),
    ("currencies", "fr", "La facture s'élève à 5 millions de livres sterling.", [("5 millions de livres sterling", 5e6, "GBP")]),
    ("currencies", "fr", "Berne débloque 2 milliards de francs suisses.", [("2 milliards de francs suisses", 2e9, "CHF")]),
    ("currencies", "fr", "Le club a payé 40 millions de francs.", []),
    ("currencies", "fr", "Moscou perd 90 milliards de roubles.", [("90 milliards de roubles", 9e10, "RUB")]),
    ("currencies", "de", "Bern stellt 3 Milliarden Schweizer Franken bereit.", [("3 Milliarden Schweizer Franken", 3e9, "CHF")]),
    ("currencies", "de", "Die Schweiz zahlt 500 Millionen Franken.", [("500 Millionen Franken", 5e8, "CHF")]),
    ("currencies", "de", "Indien investiert 2 Billionen Rupien.", [("2 Billionen Rupien", 2e12, "INR")]),
    ("currencies", "de", "Das kostet 5 Mio. Hongkong-Dollar.", [("5 Mio. Hongkong-Dollar", 5e6, "HKD")]),
    ("currencies", "ja", "台湾の予算は500億ニュー台湾ドル。", [("500億ニュー台湾ドル", 5e10, "TWD")]),
    ("currencies", "ja", "カナダは20億カナダドルを拠出する。", [("20億カナダドル", 2e9, "CAD")]),
    ("currencies", "ja", "豪州は30億豪ドルを投じる。", [("30億豪ドル", 3e9, "AUD")]),
    ("currencies", "ja", "スイスは10億スイスフランを用意した。", [("10億スイスフラン", 1e9, "CHF")]),
    ("currencies", "ja", "ロシアは1兆ルーブルを失った。", [("1兆ルーブル", 1e12, "RUB")]),
    ("currencies", "ja", "定価は\\2,500（税込）です。", [("\\2,500", 2500.0, "JPY")]),
    ("currencies", "zh", "加拿大投入50亿加元。", [("50亿加元", 5e9, "CAD")]),
    ("currencies", "zh", "澳大利亚拨款30亿澳元。", [("30亿澳元", 3e9, "AUD")]),
    ("currencies", "zh", "印度投入100亿印度卢比。", [("100亿印度卢比", 1e10, "INR")]),
    ("currencies", "zh", "巴西央行投放200亿雷亚尔。", [("200亿雷亚尔", 2e10, "BRL")]),
    ("currencies", "zh", "南非拨款30亿兰特。", [("30亿兰特", 3e9, "ZAR")]),
    ("currencies", "zh", "香港拨出50亿港元。", [("50亿港元", 5e9, "HKD")]),
    # ---------------------------------------------------------------------------------------------
    # 9. Ranges; loose approximations are not figures
    ("ranges", "en", "Prices rose 20–30 % this year.", [("20–30 %", 30.0, "percent", R, 20.0)]),
    ("ranges", "en", "The plan will cost between 5 and 7 billion dollars.", [("between 5 and 7 billion dollars", 7e9, "USD", R, 5e9)]),
    ("ranges", "en", "Analysts expect $5-7bn in sales.", [("$5-7bn", 7e9, "USD", R, 5e9)]),
    ("ranges", "en", "Wages grew 3 to 4 percent.", [("3 to 4 percent", 4.0, "percent", R, 3.0)]),
    ("ranges", "en", "The rate rose from 5 to 7 percent.", [("5", 5.0, "percent"), ("7 percent", 7.0, "percent")]),
    ("ranges", "en", "The projects ran from 2020 to 2024.", []),
    ("ranges", "fr", "Les prix progressent de 20 à 30 %.", [("20 à 30 %", 30.0, "percent", R, 20.0)]),
    ("ranges", "fr", "Le coût se situe entre 5 et 7 milliards d'euros.", [("entre 5 et 7 milliards d'euros", 7e9, "EUR", R, 5e9)]),
    ("ranges", "fr", "Le taux est passé de 5 à 7 %.", [("5", 5.0, "percent"), ("7 %", 7.0, "percent")]),
    ("ranges", "de", "Die Preise steigen um 5 bis 7 Prozent.", [("5 bis 7 Prozent", 7.0, "percent", R, 5.0)]),
    ("ranges", "de", "Die Kosten liegen zwischen 2 und 3 Mrd. Euro.", [("zwischen 2 und 3 Mrd. Euro", 3e9, "EUR", R, 2e9)]),
    ("ranges", "ja", "市場は2〜3兆円に拡大する。", [("2〜3兆円", 3e12, "JPY", R, 2e12)]),
    ("ranges", "ja", "回答者の5-7割が賛成。", [("5-7割", 70.0, "percent", R, 50.0)]),
    ("ranges", "ja", "費用は20%～30%程度。", [("20%～30%", 30.0, "percent", R, 20.0)]),
    ("ranges", "zh", "利润增长20%至30%。", [("20%至30%", 30.0, "percent", R, 20.0)]),
    ("ranges", "zh", "投资约2到3万亿元。", [("2到3万亿元", 3e12, "CNY", R, 2e12)]),
    ("ranges", "zh", "花了二三十万元。", []),
    ("ranges", "zh", "大概十五六万元。", []),
    ("ranges", "ja", "二、三十万円ほどかかる。", []),
    # ---------------------------------------------------------------------------------------------
    # 10. No figures inside URLs, e-mail addresses, file names or code
    ("exclusions", "en", "See https://example.com/report?share=50%25&year=2024&price=$5 for details; growth was 3%.", [("3%", 3.0, "percent")]),
    ("exclusions", "en", "Download https://www.meti.go.jp/press/2024/05/20240531001/20240531001-1.pdf%20v2 now.", []),
    ("exclusions", "en", "Write to yen-desk.5%team@example.co.jp for the 2% rebate.", [("2%", 2.0, "percent")]),
    ("exclusions", "en", "The file Q3_growth_15%_$2bn.xlsx shows a $2bn gain.", [("$2bn", 2e9, "USD")]),
    ("exclusions", "en", "Run `printf('%5d yen', 100)` to print 100 yen.", [("100 yen", 100.0, "JPY")]),
    ("exclusions", "fr", "Voir www.insee.fr/fr/statistiques/2024?taux=12%25 : la hausse est de 4 %.", [("4 %", 4.0, "percent")]),
    ("exclusions", "de", "Quelle: /daten/2024/umsatz_5%_euro.csv, Umsatz plus 7 Prozent.", [("7 Prozent", 7.0, "percent")]),
    ("exclusions", "ja", "詳細はhttps://example.jp/a%E3%81%82/100%/円を参照。売上は5%増。", [("5%", 5.0, "percent")]),
    ("exclusions", "zh", "详见https://example.cn/news?id=3%E4%BA%BF元，增长8%。", [("8%", 8.0, "percent")]),
    # ---------------------------------------------------------------------------------------------
    # 11. More wordings of percent; percentage points as pp
    ("percent", "en", "Margins improved by 12 percents.", [("12 percents", 12.0, "percent")]),
    ("percent", "en", "Sales grew 5pc last year.", [("5pc", 5.0, "percent")]),
    ("percent", "en", "The rate rose 0.5 percentage point.", [("0.5 percentage point", 0.5, "pp")]),
    ("percent", "en", "Unemployment fell 2 ppts.", [("2 ppts", 2.0, "pp")]),
    ("percent", "en", "5 PC makers shipped laptops.", []),
    ("percent", "fr", "Le chômage baisse de 3 pourcents.", [("3 pourcents", 3.0, "percent")]),
    ("percent", "fr", "Une hausse de 7 pour-cent.", [("7 pour-cent", 7.0, "percent")]),
    ("percent", "fr", "Le taux gagne 1,5 point de pourcentage.", [("1,5 point de pourcentage", 1.5, "pp")]),
    ("percent", "de", "Die Quote stieg um 2 Prozentpunkte.", [("2 Prozentpunkte", 2.0, "pp")]),
    ("percent", "de", "Der Anteil liegt bei 12 v. H.", [("12 v. H.", 12.0, "percent")]),
    ("percent", "ja", "失業率は0.3%ポイント低下した。", [("0.3%ポイント", 0.3, "pp")]),
    ("percent", "ja", "支持率は5パーセントポイント上昇。", [("5パーセントポイント", 5.0, "pp")]),
    ("percent", "zh", "失业率下降0.5个百分点。", [("0.5个百分点", 0.5, "pp")]),
    ("percent", "zh", "利率下调25个基点。", [("25个基点", 0.25, "pp")]),
]
# fmt: on

#: Held out: written after the fixes above, in other words, and run once to measure; not tuned to.
#: Its misses are listed in the report of issue #11 rather than fixed one by one.
# fmt: off
HELDOUT: list[tuple[str, str, str, list[Row]]] = [
    ("words", "en", "Officials said the repairs would cost nine hundred thousand dollars.", [("nine hundred thousand dollars", 9e5, "USD")]),
    ("words", "en", "Turnout dropped to sixty-two percent.", [("sixty-two percent", 62.0, "percent")]),
    ("words", "fr", "Le maire a promis vingt et un millions d'euros.", [("vingt et un millions d'euros", 2.1e7, "EUR")]),
    ("words", "de", "Die Stadt zahlt fünfzehn Prozent mehr und zwölf Millionen Euro.", [("fünfzehn Prozent", 15.0, "percent"), ("zwölf Millionen Euro", 1.2e7, "EUR")]),
    ("words", "ja", "切手は八十四円になった。", [("八十四円", 84.0, "JPY")]),
    ("words", "zh", "一瓶水两美元。", [("两美元", 2.0, "USD")]),
    ("tenths", "ja", "利用者の約9割が満足と答えた。", [("9割", 90.0, "percent", "approx")]),
    ("tenths", "ja", "定価の2割増で販売。", [("2割増", 20.0, "percent")]),
    ("tenths", "zh", "超过六成的企业盈利。", [("六成", 60.0, "percent", "at_least")]),
    ("tenths", "zh", "新品一律九五折。", [("九五折", 95.0, "percent")]),
    ("permille", "zh", "出生率降至千分之6.4。", [("千分之6.4", 0.64, "percent")]),
    ("permille", "en", "Yields rose 12 bps on Monday.", [("12 bps", 0.12, "pp")]),
    ("permille", "fr", "Le taux de mortalité est de 9 ‰.", [("9 ‰", 0.9, "percent")]),
    ("permille", "de", "Die Zinsen sanken um 25 Basispunkte.", [("25 Basispunkte", 0.25, "pp")]),
    ("permille", "ja", "乳児死亡率は1.8パーミル。", [("1.8パーミル", 0.18, "percent")]),
    ("subunits", "en", "Milk costs 3 dollars and 15 cents now.", [("3 dollars and 15 cents", 3.15, "USD")]),
    ("subunits", "fr", "Un café à 2 euros 30.", [("2 euros 30", 2.3, "EUR")]),
    ("subunits", "de", "Die Fahrt kostet 3 Euro 20 Cent.", [("3 Euro 20 Cent", 3.2, "EUR")]),
    ("subunits", "ja", "大正時代の日給は2円50銭。", [("2円50銭", 2.5, "JPY")]),
    ("subunits", "zh", "一碗面12元8角。", [("12元8角", 12.8, "CNY")]),
    ("subunits", "en", "Fares went up by 15 cents.", []),
    ("signs", "en", "The index returned minus 2.5% in 2023.", [("minus 2.5%", -2.5, "percent")]),
    ("signs", "fr", "Un rendement de moins 1,2 % cette année.", [("moins 1,2 %", -1.2, "percent")]),
    ("signs", "de", "Das Wachstum lag bei minus 0,3 Prozent.", [("minus 0,3 Prozent", -0.3, "percent")]),
    ("signs", "ja", "消費はマイナス1.1％だった。", [("マイナス1.1％", -1.1, "percent")]),
    ("signs", "zh", "出口增速为负3.4%。", [("负3.4%", -3.4, "percent")]),
    ("separators", "ja", "投資額は２，５００億円。", [("２，５００億円", 2.5e11, "JPY")]),
    ("separators", "zh", "销量增长百分之１２．５。", [("百分之１２．５", 12.5, "percent")]),
    ("separators", "en", "The bonus was €2.5k per employee.", [("€2.5k", 2500.0, "EUR")]),
    ("separators", "fr", "Un budget de 12 345,67 €.", [("12 345,67 €", 12345.67, "EUR")]),
    ("separators", "de", "Die Kosten betragen 12.345,67 Euro.", [("12.345,67 Euro", 12345.67, "EUR")]),
    ("spread", "ja", "手当は1 0 万円ではなく5  万 円。", [("5  万 円", 5e4, "JPY")]),
    ("spread", "zh", "补贴为5 0 0元。", []),
    ("currencies", "en", "Toronto will spend C$400 million on transit.", [("C$400 million", 4e8, "CAD")]),
    ("currencies", "en", "Canberra's new A$2bn fund opens.", [("A$2bn", 2e9, "AUD")]),
    ("currencies", "en", "Infosys earned ₹6,000 crore.", [("₹6,000 crore", 6e10, "INR")]),
    ("currencies", "en", "The Czech deal is worth 5 billion crowns.", [("5 billion crowns", 5e9, "CZK")]),
    ("currencies", "en", "Zurich's budget is 9 billion Swiss francs.", [("9 billion Swiss francs", 9e9, "CHF")]),
    ("currencies", "fr", "Le contrat vaut 3 milliards de dollars de Hong Kong.", [("3 milliards de dollars de Hong Kong", 3e9, "HKD")]),
    ("currencies", "fr", "Un loyer de 900 francs.", []),
    ("currencies", "de", "Der Deal umfasst 2 Mrd. kanadische Dollar.", [("2 Mrd. kanadische Dollar", 2e9, "CAD")]),
    ("currencies", "de", "In Indien kostet das 500 Rupien.", [("500 Rupien", 500.0, "INR")]),
    ("currencies", "ja", "シンガポールは50億シンガポールドルを投じる。", [("50億シンガポールドル", 5e9, "SGD")]),
    ("currencies", "ja", "インドでは1万ルピーかかる。", [("1万ルピー", 1e4, "INR")]),
    ("currencies", "zh", "新加坡投入20亿新加坡元。", [("20亿新加坡元", 2e9, "SGD")]),
    ("currencies", "zh", "俄罗斯损失500亿卢布。", [("500亿卢布", 5e10, "RUB")]),
    ("ranges", "en", "Costs will rise by 10-15% next year.", [("10-15%", 15.0, "percent", R, 10.0)]),
    ("ranges", "en", "The deal is valued at between $3bn and $4bn.", [("between $3bn and $4bn", 4e9, "USD", R, 3e9)]),
    ("ranges", "fr", "Les pertes atteignent 2 à 3 milliards d'euros.", [("2 à 3 milliards d'euros", 3e9, "EUR", R, 2e9)]),
    ("ranges", "de", "Der Markt wächst um 4–6 %.", [("4–6 %", 6.0, "percent", R, 4.0)]),
    ("ranges", "ja", "費用は3〜5億円の見込み。", [("3〜5億円", 5e8, "JPY", R, 3e8)]),
    ("ranges", "zh", "降幅为5%-8%。", [("5%-8%", 8.0, "percent", R, 5.0)]),
    ("ranges", "zh", "工资涨了三四百元。", []),
    ("exclusions", "en", "Email budget.2024@gov.example for the 4% figure.", [("4%", 4.0, "percent")]),
    ("exclusions", "fr", "Le fichier budget_2025_+3%.pdf annonce 3 % de hausse.", [("3 %", 3.0, "percent")]),
    ("exclusions", "de", "Siehe https://destatis.de/DE/2024?quote=5%25, die Quote sank um 2 Prozent.", [("2 Prozent", 2.0, "percent")]),
    ("exclusions", "ja", "資料はwww.meti.go.jp/2024/10%/index.htmlにある。赤字は5兆円。", [("5兆円", 5e12, "JPY")]),
    ("exclusions", "zh", "请发邮件至info.5%@example.cn，增长6%。", [("6%", 6.0, "percent")]),
    ("percent", "en", "Inflation hit 3.2 per cent, up 0.4 percentage points.", [("3.2 per cent", 3.2, "percent"), ("0.4 percentage points", 0.4, "pp")]),
    ("percent", "fr", "Le chômage recule de 0,3 point de pourcentage à 7 pourcents.", [("0,3 point de pourcentage", 0.3, "pp"), ("7 pourcents", 7.0, "percent")]),
    ("percent", "de", "Die Quote fiel um 0,5 Prozentpunkte auf 5,8 Prozent.", [("0,5 Prozentpunkte", 0.5, "pp"), ("5,8 Prozent", 5.8, "percent")]),
    ("percent", "ja", "支持率は3ポイント下がり35パーセント。", [("3ポイント", 3.0, "pp"), ("35パーセント", 35.0, "percent")]),
    ("percent", "zh", "失业率上升1.2个百分点，达到百分之五点五。", [("1.2个百分点", 1.2, "pp"), ("百分之五点五", 5.5, "percent")]),
]
# fmt: on

FAMILIES = sorted({c[0] for c in CORPUS})
LANGS = ("en", "fr", "de", "ja", "zh")


def _matches(row: dict, want: Row) -> bool:
    surface, value, unit = want[:3]
    if row["surface"] != surface or row["unit"] != unit:
        return False
    if not math.isclose(row["value"], value, rel_tol=1e-9, abs_tol=1e-12):
        return False
    if len(want) >= 4 and row["qualifier"] != want[3]:
        return False
    return len(want) < 5 or math.isclose(row["value_low"] or math.nan, want[4], rel_tol=1e-9)


def score(corpus: list[tuple[str, str, str, list[Row]]] = CORPUS) -> dict[tuple[str, str], list[int]]:
    """(family, language) → [true positives, expected, reported]: the recall/precision counts.

    A reported row is a true positive when it matches an expected row of its case (surface, value,
    unit, and the qualifier and lower end where given), each expected row counting once.
    """
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for family, lang, text, expected in corpus:
        rows = list(extract_figures(text, lang).iter_rows(named=True))
        left = list(expected)
        tp = 0
        for row in rows:
            for i, want in enumerate(left):
                if _matches(row, want):
                    tp += 1
                    del left[i]
                    break
        cell = counts[(family, lang)]
        cell[0] += tp
        cell[1] += len(expected)
        cell[2] += len(rows)
    return dict(counts)


def ratios(cell: list[int]) -> tuple[float, float]:
    tp, expected, reported = cell
    recall = tp / expected if expected else 1.0
    precision = tp / reported if reported else 1.0
    return recall, precision


def test_every_family_is_covered_in_every_language_where_it_exists() -> None:
    langs_of = defaultdict(set)
    for family, lang, _, expected in CORPUS:
        if expected:
            langs_of[family].add(lang)
    for family in ("words", "permille", "subunits", "signs", "separators", "currencies", "ranges", "percent"):
        assert langs_of[family] == set(LANGS), (family, langs_of[family])
    assert langs_of["tenths"] == {"ja", "zh"} and langs_of["spread"] == {"ja", "zh"}
    assert {lang for f, lang, _, e in CORPUS if f == "exclusions"} == set(LANGS)


def test_recall_and_precision_per_family_and_language() -> None:
    """The issue's bar: recall and precision ≥ 0.90 in every family and language."""
    low = {}
    for key, cell in score().items():
        recall, precision = ratios(cell)
        if recall < 0.9 or precision < 0.9:
            low[key] = (round(recall, 2), round(precision, 2), cell)
    assert low == {}


def test_held_out_recall_and_precision() -> None:
    """On sentences not used to develop the extractor: recall and precision ≥ 0.90 overall."""
    total = [sum(c[i] for c in score(HELDOUT).values()) for i in range(3)]
    recall, precision = ratios(total)
    assert recall >= 0.9 and precision >= 0.9, (recall, precision, total)


@pytest.mark.parametrize(("family", "lang", "text", "expected"), CORPUS, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CORPUS)])
def test_case(family: str, lang: str, text: str, expected: list[Row]) -> None:
    frame = extract_figures(text, lang)
    rows = list(frame.iter_rows(named=True))
    assert len(rows) == len(expected), [(r["surface"], r["value"], r["unit"], r["qualifier"]) for r in rows]
    for row, want in zip(rows, expected, strict=True):
        assert _matches(row, want), (row, want)
        assert text[row["start"] : row["end"]] == row["surface"]
