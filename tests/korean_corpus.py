"""Synthetic Korean news sentences for seeding the translation memory in tests and benches.

Written for this project: subjects, places, numbers and predicates combined at random, so
that rows share the vocabulary of a news desk without being near-duplicates of each other.
"""

# fmt: off
SUBJECTS = [
    "정부는", "서울시는", "국회는", "통일부는", "기획재정부는", "한국은행은", "경찰은", "검찰은",
    "부산시는", "교육부는", "국토교통부는", "환경부는", "보건복지부는", "산업통상자원부는",
    "외교부는", "국방부는", "법원은", "시민단체는", "야당은", "여당은",
]
TOPICS = [
    "내년도 예산안을", "청년 일자리 대책을", "전세 사기 피해 지원책을", "미세먼지 저감 계획을",
    "저출생 대응 방안을", "반도체 수출 지원책을", "지하철 요금 인상안을", "노인 돌봄 사업을",
    "기준금리 동결 결정을", "재난 안전 점검 결과를", "공공주택 공급 계획을", "의대 정원 조정안을",
    "농산물 가격 안정 대책을", "탄소중립 이행 계획을", "수해 복구 예산을", "소상공인 지원책을",
]
WHEN = ["지난 {n}일", "오는 {n}일", "올해 {n}월", "{n}일 오전", "{n}일 오후", "이번 주"]
HOW = [
    "발표했다", "공개했다", "확정했다", "논의했다", "검토하고 있다고 밝혔다", "추진하기로 했다",
    "보류했다", "재검토하기로 했다", "국회에 제출했다", "시행하기로 했다",
]
DETAILS = [
    "총 {n}억원 규모로", "{n}만 명을 대상으로", "전년보다 {n}% 늘어난 규모로",
    "{n}개 지역에서", "{n}년까지 단계적으로", "관계 부처와 협의해",
]
# fmt: on


def sentence(rng):
    number = rng.randint(1, 99)
    parts = [
        rng.choice(SUBJECTS),
        rng.choice(WHEN).format(n=number),
        rng.choice(DETAILS).format(n=rng.randint(2, 900)),
        rng.choice(TOPICS),
        rng.choice(HOW) + ".",
    ]
    return " ".join(parts)


def paragraph(rng, sentences=2):
    return " ".join(sentence(rng) for _ in range(sentences))


def near_duplicate(text, rng):
    """One word dropped and one number changed, as a story rewritten the next day does."""
    words = text.split()
    del words[rng.randrange(1, len(words))]
    changed = " ".join(words)
    for digit in "0123456789":
        if digit in changed:
            return changed.replace(digit, str((int(digit) + 1) % 10), 1)
    return changed
