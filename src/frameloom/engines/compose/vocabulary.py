"""Scene words: the English and Chinese names of settings, times, weathers, lights, styles,
colours, actions, relations and quantities, each mapped to its canonical value in facts.py.

Everything here is a literal table; lexer.py combines them into one index on first use.
Multi-word English forms are written with single spaces and no hyphens ("8 bit"), the way
the parser normalises prompt text.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal block, as a set."""
    return frozenset(text.split())

SETTING_WORDS: dict[str, str] = {
    # forest
    "forest": "forest", "forests": "forest", "woods": "forest", "wood": "forest", "woodland": "forest",
    "woodlands": "forest", "grove": "forest", "enchanted forest": "forest",
    "森林": "forest", "树林": "forest", "林中": "forest", "林间": "forest", "丛林小径": "forest",
    # city
    "city": "city", "cities": "city", "town": "city", "skyline": "city", "street": "city", "streets": "city",
    "downtown": "city", "cityscape": "city", "metropolis": "city", "alley": "city", "alleyway": "city",
    "rooftop": "city", "rooftops": "city", "urban": "city", "city street": "city", "city skyline": "city",
    "城市": "city", "街道": "city", "都市": "city", "街头": "city", "街上": "city", "城市天际线": "city",
    "小镇": "city", "城镇": "city", "市中心": "city", "小巷": "city", "屋顶": "city", "夜景": "city",
    # beach
    "beach": "beach", "beaches": "beach", "seaside": "beach", "shore": "beach", "seashore": "beach",
    "coast": "beach", "coastline": "beach", "sand": "beach", "sandy beach": "beach",
    "海滩": "beach", "沙滩": "beach", "海边": "beach", "海岸": "beach", "海岸线": "beach",
    # ocean
    "ocean": "ocean", "sea": "ocean", "seas": "ocean", "oceans": "ocean", "open sea": "ocean",
    "high seas": "ocean", "harbor": "ocean", "harbour": "ocean", "bay": "ocean",
    "海洋": "ocean", "大海": "ocean", "海": "ocean", "海面": "ocean", "海上": "ocean", "港口": "ocean",
    # desert
    "desert": "desert", "deserts": "desert", "dunes": "desert", "sand dunes": "desert", "dune": "desert",
    "沙漠": "desert", "荒漠": "desert", "沙丘": "desert",
    # mountains
    "mountains": "mountains", "mountain": "mountains", "peaks": "mountains", "peak": "mountains",
    "alps": "mountains", "hills": "field", "hill": "field", "hillside": "field", "rolling hills": "field",
    "valley": "mountains", "canyon": "desert",
    "mountain range": "mountains", "mountaintop": "mountains", "summit": "mountains",
    "山": "mountains", "雪山": "mountains", "山脉": "mountains", "高山": "mountains", "群山": "mountains",
    "山顶": "mountains", "山上": "mountains", "山谷": "mountains", "峡谷": "desert", "山丘": "field", "小山": "field",
    "山间": "mountains", "山坡": "mountains",
    # snowfield
    "snowfield": "snowfield", "snowfields": "snowfield", "tundra": "snowfield", "snowy plain": "snowfield",
    "snowy field": "snowfield", "arctic": "snowfield", "ice": "snowfield", "sea ice": "snowfield", "ice sheet": "snowfield",
    "arctic ocean": "ocean", "bamboo forest": "forest", "bamboo grove": "forest", "竹林": "forest", "antarctica": "snowfield", "glacier": "snowfield",
    "ice field": "snowfield", "snowy landscape": "snowfield", "winter wonderland": "snowfield",
    "雪地": "snowfield", "雪原": "snowfield", "冰原": "snowfield", "北极": "snowfield", "南极": "snowfield",
    "冰川": "snowfield",
    # field
    "field": "field", "fields": "field", "meadow": "field", "meadows": "field", "prairie": "field",
    "grassland": "field", "grasslands": "field", "countryside": "field", "farm": "field",
    "farmland": "field", "savanna": "field", "savannah": "field", "pasture": "field", "plains": "field",
    "lawn": "field", "flower field": "field",
    "草地": "field", "田野": "field", "草原": "field", "原野": "field", "麦田": "field", "农田": "field",
    "农场": "field", "乡村": "field", "田园": "field", "草坪": "field", "花海": "field",
    # space
    "space": "space", "outer space": "space", "galaxy": "space", "cosmos": "space", "universe": "space",
    "nebula": "space", "orbit": "space", "deep space": "space", "milky way": "space",
    "太空": "space", "宇宙": "space", "外太空": "space", "银河": "space", "星系": "space", "银河系": "space",
    "星际": "space",
    # room
    "room": "room", "bedroom": "room", "library": "room", "kitchen": "room", "indoors": "room",
    "living room": "room", "study": "room", "office": "room", "classroom": "room", "attic": "room",
    "studio": "room", "cafe": "room", "café": "room", "coffee shop": "room", "bathroom": "room",
    "interior": "room", "home office": "room", "bookstore": "room", "workshop": "room",
    "房间": "room", "书房": "room", "卧室": "room", "客厅": "room", "室内": "room", "屋里": "room",
    "厨房": "room", "图书馆": "room", "教室": "room", "咖啡馆": "room", "办公室": "room", "阁楼": "room",
    # lake
    "lake": "lake", "lakes": "lake", "pond": "lake", "lakeside": "lake", "river": "lake",
    "riverside": "lake", "riverbank": "lake", "stream": "lake", "creek": "lake",
    "swamp": "lake", "marsh": "lake", "湖": "lake", "湖边": "lake", "湖泊": "lake", "湖面": "lake",
    "池塘": "lake", "河": "lake", "河边": "lake", "小河": "lake", "溪": "lake", "小溪": "lake",
    # garden
    "garden": "garden", "gardens": "garden", "park": "garden", "backyard": "garden", "orchard": "garden",
    "greenhouse": "garden", "flower garden": "garden",
    "花园": "garden", "公园": "garden", "庭院": "garden", "后院": "garden", "果园": "garden",
    # jungle
    "jungle": "jungle", "rainforest": "jungle", "rain forest": "jungle", "tropical forest": "jungle",
    "丛林": "jungle", "雨林": "jungle", "热带雨林": "jungle",
    # underwater
    "underwater": "underwater", "under the sea": "underwater", "under water": "underwater",
    "ocean floor": "underwater", "seabed": "underwater", "sea floor": "underwater",
    "coral reef": "underwater", "reef": "underwater", "deep sea": "underwater",
    "海底": "underwater", "水下": "underwater", "水底": "underwater", "深海": "underwater", "珊瑚礁": "underwater",
    "水中": "underwater",
}

# Sunset is its own value (facts.TIMES); 黄昏 ("dusk") is the later, dimmer light after it.
TIME_WORDS: dict[str, str] = {
    "dawn": "dawn", "sunrise": "dawn", "morning": "dawn", "daybreak": "dawn", "early morning": "dawn",
    "first light": "dawn", "break of dawn": "dawn",
    "黎明": "dawn", "日出": "dawn", "清晨": "dawn", "早晨": "dawn", "早上": "dawn", "拂晓": "dawn", "晨光": "dawn",
    "day": "day", "noon": "day", "midday": "day", "afternoon": "day", "daytime": "day", "daylight": "day",
    "broad daylight": "day", "白天": "day", "中午": "day", "下午": "day", "正午": "day", "白昼": "day",
    "golden hour": "golden_hour", "magic hour": "golden_hour", "黄金时刻": "golden_hour",
    "黄金时段": "golden_hour", "黄金时间": "golden_hour",
    "sunset": "sunset", "sundown": "sunset", "setting sun": "sunset", "sunsets": "sunset",
    "夕阳": "sunset", "日落": "sunset", "落日": "sunset", "晚霞": "sunset", "夕照": "sunset",
    "dusk": "dusk", "twilight": "dusk", "evening": "dusk", "nightfall": "dusk", "blue hour": "dusk",
    "傍晚": "dusk", "黄昏": "dusk", "薄暮": "dusk",
    "night": "night", "midnight": "night", "nighttime": "night", "moonlit": "night", "starry": "night",
    "starlit": "night", "stars": "night", "night sky": "night", "starry sky": "night", "starry night": "night",
    "tonight": "night", "nights": "night", "dark night": "night",
    "夜晚": "night", "夜": "night", "晚上": "night", "星空": "night", "夜里": "night", "深夜": "night",
    "午夜": "night", "夜空": "night", "夜景": "night", "黑夜": "night", "月夜": "night", "夜间": "night", "星夜": "night",
}

WEATHER_WORDS: dict[str, str] = {
    "clear": "clear", "clear sky": "clear", "clear skies": "clear", "cloudless": "clear", "sunny": "clear",
    "fair weather": "clear", "blue sky": "clear", "blue skies": "clear",
    "晴天": "clear", "晴朗": "clear", "晴": "clear", "蓝天": "clear", "万里无云": "clear",
    "clouds": "clouds", "cloudy": "clouds", "overcast": "clouds", "grey sky": "clouds", "gray sky": "clouds",
    "grey skies": "clouds", "gray skies": "clouds", "多云": "clouds", "阴天": "clouds", "云": "clouds",
    "云朵": "clouds", "乌云": "clouds", "阴": "clouds",
    "rain": "rain", "rainy": "rain", "raining": "rain", "rainfall": "rain", "drizzle": "rain",
    "downpour": "rain", "rainy day": "rain", "rains": "rain", "showers": "rain",
    "雨": "rain", "下雨": "rain", "雨天": "rain", "小雨": "rain", "大雨": "rain", "细雨": "rain", "雨中": "rain",
    "snow": "snow", "snowy": "snow", "snowing": "snow", "snowfall": "snow", "blizzard": "snow",
    "snowflakes": "snow", "snowstorm": "snow", "snow covered": "snow",
    "雪": "snow", "下雪": "snow", "大雪": "snow", "雪天": "snow", "飘雪": "snow", "雪中": "snow",
    "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog", "haze": "fog", "hazy": "fog", "smog": "fog",
    "雾": "fog", "大雾": "fog", "雾气": "fog", "薄雾": "fog", "迷雾": "fog", "雾中": "fog",
    "storm": "storm", "stormy": "storm", "thunderstorm": "storm", "thunder": "storm", "lightning": "storm",
    "tempest": "storm", "hurricane": "storm", "typhoon": "storm", "rainstorm": "storm", "tornado": "storm",
    "storms": "storm", "暴风雨": "storm", "雷雨": "storm", "雷暴": "storm", "雷": "storm", "闪电": "storm",
    "风暴": "storm", "暴风": "storm", "台风": "storm", "飓风": "storm",
}

LIGHT_WORDS: dict[str, str] = {
    "neon": "neon", "neon lights": "neon", "neon light": "neon", "neon signs": "neon", "neon sign": "neon",
    "neon lit": "neon", "cyberpunk": "neon", "霓虹": "neon", "霓虹灯": "neon", "赛博朋克": "neon",
    "candle": "candle", "candles": "candle", "candlelight": "candle", "candlelit": "candle",
    "candle light": "candle", "蜡烛": "candle", "烛光": "candle",
    "moonlight": "moonlight", "moon": "moonlight", "moonlit": "moonlight", "moonbeams": "moonlight",
    "full moon": "moonlight", "moonrise": "moonlight", "月光": "moonlight", "月亮": "moonlight",
    "sun": "sun", "sunlight": "sun", "sunny": "sun", "sunshine": "sun", "sunlit": "sun", "sunbeams": "sun",
    "sun rays": "sun", "阳光": "sun", "太阳": "sun", "日光": "sun",
    "lantern": "lantern", "lanterns": "lantern", "paper lanterns": "lantern", "fairy lights": "lantern",
    "string lights": "lantern", "lantern light": "lantern", "灯笼": "lantern", "灯火": "lantern",
    "fire": "fire", "campfire": "fire", "bonfire": "fire", "firelight": "fire", "fireplace": "fire",
    "torchlight": "fire", "fires": "fire", "campfires": "fire", "篝火": "fire", "火": "fire", "火光": "fire",
    "炉火": "fire", "营火": "fire", "壁炉": "fire",
}

STYLE_WORDS: dict[str, str] = {
    "watercolor": "watercolor", "watercolour": "watercolor", "water color": "watercolor",
    "watercolors": "watercolor", "watercolor painting": "watercolor", "watercolour painting": "watercolor",
    "水彩": "watercolor", "水彩画": "watercolor",
    "pixel art": "pixel_art", "pixel": "pixel_art", "pixelated": "pixel_art", "8 bit": "pixel_art",
    "16 bit": "pixel_art", "pixel style": "pixel_art", "retro game": "pixel_art",
    "像素": "pixel_art", "像素风": "pixel_art", "像素风格": "pixel_art", "像素艺术": "pixel_art", "像素画": "pixel_art",
    "oil painting": "oil_painting", "oil": "oil_painting", "oil paint": "oil_painting",
    "oil on canvas": "oil_painting", "impasto": "oil_painting", "油画": "oil_painting",
    "sketch": "sketch", "pencil sketch": "sketch", "pencil drawing": "sketch", "drawing": "sketch",
    "sketched": "sketch", "line art": "sketch", "charcoal": "sketch", "ink drawing": "sketch",
    "in pencil": "sketch", "pencil art": "sketch", "sketchy": "sketch",
    "素描": "sketch", "铅笔画": "sketch", "速写": "sketch", "线稿": "sketch",
    "synthwave": "neon", "vaporwave": "neon", "retrowave": "neon", "outrun": "neon", "neon style": "neon",
    "neon art": "neon", "in neon": "neon", "霓虹风格": "neon", "蒸汽波": "neon", "合成器浪潮": "neon",
    "illustration": "illustration", "cartoon": "illustration", "cartoony": "illustration",
    "flat illustration": "illustration", "vector art": "illustration", "comic": "illustration",
    "anime": "illustration", "storybook illustration": "illustration", "children book": "illustration",
    "childrens book": "illustration", "kids book": "illustration", "picture book": "illustration",
    "children book illustration": "illustration", "childrens book illustration": "illustration",
    "插画": "illustration", "卡通": "illustration", "动漫": "illustration", "漫画": "illustration",
    "绘本": "illustration",
}

# Canonical colour names -> sRGB. Mention.colour and PromptFacts.colours always hold a key here.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (214, 40, 40), "orange": (245, 130, 32), "yellow": (250, 210, 50), "green": (60, 160, 70),
    "blue": (40, 100, 210), "purple": (130, 60, 170), "pink": (240, 130, 170), "brown": (130, 85, 50),
    "black": (25, 25, 28), "white": (245, 245, 240), "gray": (128, 128, 128), "gold": (212, 175, 55),
    "silver": (192, 192, 200), "cyan": (0, 200, 220), "magenta": (220, 30, 160), "teal": (0, 128, 128),
    "turquoise": (64, 224, 208), "navy": (20, 30, 90), "indigo": (75, 0, 130), "violet": (143, 0, 255),
    "lavender": (181, 160, 220), "lilac": (200, 162, 200), "beige": (225, 205, 170), "cream": (255, 250, 220),
    "ivory": (255, 255, 240), "maroon": (128, 0, 32), "crimson": (220, 20, 60), "scarlet": (255, 36, 0),
    "burgundy": (128, 0, 50), "olive": (128, 128, 0), "lime": (150, 220, 40), "mint": (152, 230, 180),
    "emerald": (0, 155, 119), "coral": (255, 127, 80), "peach": (255, 203, 164), "salmon": (250, 128, 114),
    "tan": (210, 180, 140), "khaki": (195, 176, 145), "bronze": (205, 127, 50), "copper": (184, 115, 51),
    "rust": (183, 65, 14), "amber": (255, 191, 0), "sky blue": (135, 206, 235), "azure": (0, 127, 255),
    "cobalt": (0, 71, 171), "sapphire": (15, 82, 186), "ruby": (224, 17, 95), "jade": (0, 168, 107),
    "charcoal grey": (54, 69, 79), "pastel pink": (255, 209, 220), "pastel blue": (174, 198, 207),
    "dark blue": (0, 0, 139), "light blue": (173, 216, 230), "dark green": (0, 100, 0),
    "light green": (144, 238, 144), "rainbow coloured": (200, 120, 200),
}

# Other spellings and languages -> a COLOURS key.
COLOUR_WORDS: dict[str, str] = {
    **{name: name for name in COLOURS},
    "grey": "gray", "golden": "gold", "navy blue": "navy", "aqua": "cyan", "fuchsia": "magenta",
    "rainbow colored": "rainbow coloured", "multicolored": "rainbow coloured", "multicoloured": "rainbow coloured",
    "charcoal gray": "charcoal grey", "dark grey": "charcoal grey", "dark gray": "charcoal grey",
    "light grey": "silver", "light gray": "silver", "baby blue": "light blue", "royal blue": "blue",
    "blonde": "gold", "ginger": "orange", "snow white": "white", "jet black": "black", "pitch black": "black",
    "红": "red", "红色": "red", "大红": "red", "橙": "orange", "橙色": "orange", "橘色": "orange",
    "黄": "yellow", "黄色": "yellow", "绿": "green", "绿色": "green", "蓝": "blue", "蓝色": "blue",
    "紫": "purple", "紫色": "purple", "粉": "pink", "粉色": "pink", "粉红": "pink", "粉红色": "pink",
    "棕": "brown", "棕色": "brown", "褐色": "brown", "咖啡色": "brown", "黑": "black", "黑色": "black",
    "白": "white", "白色": "white", "灰": "gray", "灰色": "gray", "金": "gold", "金色": "gold", "金黄": "gold",
    "金黄色": "gold", "银": "silver", "银色": "silver", "青色": "cyan", "品红": "magenta",
    "洋红": "magenta", "蓝绿色": "teal", "绿松石色": "turquoise", "藏青": "navy", "藏青色": "navy",
    "海军蓝": "navy", "靛蓝": "indigo", "靛青": "indigo", "紫罗兰色": "violet", "薰衣草色": "lavender",
    "淡紫色": "lilac", "米色": "beige", "奶油色": "cream", "象牙白": "ivory", "栗色": "maroon",
    "深红": "crimson", "深红色": "crimson", "猩红": "scarlet", "酒红": "burgundy", "酒红色": "burgundy",
    "橄榄绿": "olive", "青柠色": "lime", "薄荷绿": "mint", "翠绿": "emerald", "翠绿色": "emerald",
    "珊瑚色": "coral", "桃色": "peach", "桃红": "pink", "鲑鱼色": "salmon", "棕褐色": "tan", "卡其色": "khaki",
    "青铜色": "bronze", "古铜色": "bronze", "铜色": "copper", "铁锈色": "rust", "琥珀色": "amber",
    "天蓝": "sky blue", "天蓝色": "sky blue", "蔚蓝": "azure", "蔚蓝色": "azure", "钴蓝": "cobalt",
    "宝石蓝": "sapphire", "红宝石色": "ruby", "玉色": "jade", "深蓝": "dark blue", "深蓝色": "dark blue",
    "浅蓝": "light blue", "浅蓝色": "light blue", "深绿": "dark green", "深绿色": "dark green",
    "浅绿": "light green", "浅绿色": "light green", "彩色": "rainbow coloured", "五彩": "rainbow coloured",
}

ACTION_WORDS: dict[str, str] = {
    "read": "reading", "reads": "reading", "reading": "reading",
    "读": "reading", "读书": "reading", "看书": "reading", "看报纸": "reading", "读报": "reading", "阅读": "reading", "读着": "reading",
    "hold": "holding", "holds": "holding", "holding": "holding", "held": "holding", "carry": "holding",
    "carries": "holding", "carrying": "holding", "clutching": "holding", "wielding": "holding",
    "grasping": "holding",
    "拿": "holding", "拿着": "holding", "抱着": "holding", "抱": "holding", "举着": "holding",
    "手持": "holding", "握着": "holding", "带着": "holding", "提着": "holding", "撑着": "holding",
    "撑": "holding", "打着": "holding", "捧着": "holding",
    "ride": "riding", "rides": "riding", "riding": "riding", "rode": "riding", "driving": "riding",
    "drives": "riding", "drive": "riding", "sailing": "riding", "piloting": "riding", "rowing": "riding",
    "paddling": "riding", "骑": "riding", "骑着": "riding", "开着": "riding", "驾驶": "riding", "开车": "riding",
    "坐船": "riding", "划船": "riding",
    "sit": "sitting", "sits": "sitting", "sitting": "sitting", "sat": "sitting", "seated": "sitting",
    "perched": "sitting", "perching": "sitting", "resting": "sitting", "lounging": "sitting",
    "坐": "sitting", "坐着": "sitting", "坐在": "sitting", "蹲": "sitting", "蹲在": "sitting",
    "stand": "standing", "stands": "standing", "standing": "standing", "stood": "standing",
    "posing": "standing", "站": "standing", "站着": "standing", "站在": "standing", "伫立": "standing",
    "fly": "flying", "flies": "flying", "flying": "flying", "flew": "flying", "soaring": "flying",
    "gliding": "flying", "hovering": "flying", "floating": "flying", "drifting": "flying",
    "飞": "flying", "飞翔": "flying", "飞行": "flying", "翱翔": "flying", "飞过": "flying", "飞着": "flying",
    "漂浮": "flying", "放风筝": "flying",
    "swim": "swimming", "swims": "swimming", "swimming": "swimming", "diving": "swimming",
    "游泳": "swimming", "游": "swimming", "潜水": "swimming", "游过": "swimming",
    "run": "running", "runs": "running", "running": "running", "ran": "running", "racing": "running",
    "chasing": "running", "jogging": "running", "sprinting": "running", "galloping": "running",
    "跑": "running", "奔跑": "running", "跑步": "running", "追": "running", "追着": "running", "奔驰": "running",
    "walk": "walking", "walks": "walking", "walking": "walking", "walked": "walking", "strolling": "walking",
    "wandering": "walking", "hiking": "walking", "marching": "walking", "exploring": "walking",
    "走": "walking", "散步": "walking", "走路": "walking", "行走": "walking", "漫步": "walking",
    "走在": "walking", "徒步": "walking",
    "sleep": "sleeping", "sleeps": "sleeping", "sleeping": "sleeping", "asleep": "sleeping",
    "napping": "sleeping", "dozing": "sleeping", "lying": "sleeping", "curled up": "sleeping",
    "睡": "sleeping", "睡觉": "sleeping", "睡着": "sleeping", "躺": "sleeping", "躺着": "sleeping",
    "睡在": "sleeping", "躺在": "sleeping", "打盹": "sleeping", "午睡": "sleeping",
    "play": "playing", "plays": "playing", "playing": "playing", "strumming": "playing",
    "juggling": "playing", "practicing": "playing", "玩": "playing", "玩耍": "playing", "弹": "playing",
    "弹奏": "playing", "演奏": "playing", "吹": "playing", "拉小提琴": "playing", "拉大提琴": "playing", "弹着": "playing", "玩着": "playing",
    "eat": "eating", "eats": "eating", "eating": "eating", "ate": "eating", "munching": "eating",
    "nibbling": "eating", "feasting": "eating", "吃": "eating", "吃着": "eating", "啃": "eating",
    "drink": "drinking", "drinks": "drinking", "drinking": "drinking", "sipping": "drinking",
    "喝": "drinking", "喝着": "drinking", "品尝": "drinking",
    "look": "looking", "looks": "looking", "looking": "looking", "watching": "looking", "watch": "looking",
    "watches": "looking", "gazing": "looking", "staring": "looking", "observing": "looking",
    "admiring": "looking", "looking at": "looking", "gazing at": "looking", "staring at": "looking",
    "看": "looking", "看着": "looking", "望着": "looking", "凝视": "looking", "观看": "looking", "仰望": "looking",
    "眺望": "looking",
    "dance": "dancing", "dances": "dancing", "dancing": "dancing", "twirling": "dancing",
    "跳舞": "dancing", "舞蹈": "dancing", "起舞": "dancing",
    "jump": "jumping", "jumps": "jumping", "jumping": "jumping", "leaping": "jumping", "hopping": "jumping",
    "bouncing": "jumping", "跳": "jumping", "跳跃": "jumping", "跳过": "jumping",
    "fish": "fishing", "fishing": "fishing", "fishes": "fishing", "angling": "fishing",
    "钓鱼": "fishing", "垂钓": "fishing",
    "surf": "surfing", "surfing": "surfing", "surfs": "surfing", "冲浪": "surfing",
    "watering": "watering", "waters": "watering", "浇水": "watering", "浇花": "watering",
    "cook": "cooking", "cooking": "cooking", "cooks": "cooking", "baking": "cooking", "bakes": "cooking",
    "frying": "cooking", "grilling": "cooking", "做饭": "cooking", "烹饪": "cooking", "烤": "cooking",
    "painting": "painting", "paints": "painting", "sketching": "painting", "画画": "painting", "绘画": "painting",
    "sing": "singing", "singing": "singing", "sings": "singing", "chirping": "singing", "唱歌": "singing", "唱": "singing",
    "building": "building", "builds": "building", "build": "building", "making": "building",
    "crafting": "building", "constructing": "building", "堆": "building", "堆雪人": "building",
    "搭": "building", "建造": "building",
    "climb": "climbing", "climbing": "climbing", "climbs": "climbing", "scaling": "climbing",
    "爬": "climbing", "攀登": "climbing", "爬山": "climbing", "攀岩": "climbing",
    "skating": "skating", "skateboarding": "skating", "ice skating": "skating", "rollerblading": "skating",
    "滑冰": "skating", "溜冰": "skating", "滑滑板": "skating",
    "skiing": "skiing", "snowboarding": "skiing", "sledding": "skiing", "滑雪": "skiing",
    "waving": "waving", "waves at": "waving", "waving at": "waving", "挥手": "waving", "招手": "waving",
    "hug": "hugging", "hugs": "hugging", "hugging": "hugging", "cuddling": "hugging", "embracing": "hugging",
    "拥抱": "hugging",
    "writing": "writing", "writes": "writing", "typing": "writing", "写": "writing", "写字": "writing",
    "写作": "writing",
    "working": "working", "works": "working", "studying": "working", "coding": "working",
    "programming": "working", "工作": "working", "学习": "working", "办公": "working",
    "photographing": "photographing", "taking photos": "photographing", "taking pictures": "photographing",
    "taking a photo": "photographing", "taking a picture": "photographing", "拍照": "photographing",
    "camping": "camping", "露营": "camping",
    "gardening": "gardening", "planting": "gardening", "digging": "gardening", "种花": "gardening",
    "园艺": "gardening",
    "howling": "howling", "howls": "howling", "barking": "howling", "roaring": "howling", "嚎叫": "howling",
    "meditating": "meditating", "meditates": "meditating", "praying": "meditating", "doing yoga": "meditating",
    "冥想": "meditating", "打坐": "meditating",
    "kicking": "kicking", "kicks": "kicking", "踢": "kicking", "踢球": "kicking", "踢足球": "kicking",
    "knitting": "knitting", "knits": "knitting", "sewing": "knitting", "crocheting": "knitting",
    "织毛衣": "knitting", "编织": "knitting",
    "throwing": "throwing", "throws": "throwing", "tossing": "throwing", "catching": "throwing", "扔": "throwing",
}

# How an action's object sits relative to the subject when no preposition says otherwise.
ACTION_RELATIONS: dict[str, str] = {
    "reading": "holds", "holding": "holds", "riding": "rides", "sitting": "on", "standing": "on",
    "flying": "above", "swimming": "beside", "running": "beside", "walking": "beside", "sleeping": "on",
    "playing": "holds", "eating": "holds", "drinking": "holds", "looking": "beside", "dancing": "beside",
    "jumping": "above", "fishing": "beside", "surfing": "rides", "watering": "beside", "cooking": "holds",
    "painting": "beside", "singing": "holds", "building": "beside", "climbing": "on", "skating": "rides",
    "skiing": "on", "waving": "beside", "hugging": "holds", "writing": "holds", "working": "beside",
    "photographing": "beside", "camping": "beside", "gardening": "beside", "howling": "beside",
    "meditating": "on", "kicking": "beside", "throwing": "holds", "knitting": "holds",
}

# Verb forms that put the subject inside what it moves ("sailing a boat", "driving a car").
VERB_RELATIONS: dict[str, str] = {
    "driving": "in", "drives": "in", "drive": "in", "sailing": "in", "piloting": "in", "rowing": "in",
    "paddling": "in", "开着": "in", "驾驶": "in", "开车": "in", "坐船": "in", "划船": "in",
}

# Chinese verb-object compounds that name their object: 读书 "read (a) book".
VERB_OBJECTS: dict[str, str] = {
    "读书": "book", "看书": "book", "看报纸": "newspaper", "读报": "newspaper", "放风筝": "kite", "拉小提琴": "violin", "拉大提琴": "violin", "坐船": "boat", "划船": "canoe", "开车": "car",
}

# Prepositions between a subject and a thing; "with" and "under" are settled by the object.
# "wear" is no drawn relation: the garment's colour goes to its wearer (see the grammars' ``worn``).
PREPOSITIONS: dict[str, str] = {
    "on": "on", "onto": "on", "upon": "on", "atop": "on", "on top of": "on", "on the back of": "rides",
    "next to": "beside", "beside": "beside", "besides": "beside", "by": "beside", "near": "beside",
    "alongside": "beside", "close to": "beside", "in front of": "beside", "behind": "beside",
    "among": "beside", "amongst": "beside", "around": "beside", "against": "beside",
    "above": "above", "over": "above", "high above": "above",
    "in": "in", "inside": "in", "into": "in", "within": "in", "aboard": "in", "on board": "in",
    "with": "with", "together with": "with", "along with": "with", "holding onto": "with",
    "wearing": "wear", "wears": "wear", "dressed in": "wear", "clad in": "wear", "in a pair of": "wear",
    "under": "under", "below": "under", "beneath": "under", "underneath": "under",
    "in the background": "beside", "in the distance": "beside", "beyond": "beside",
}

# Chinese locative words follow their noun: 沙发上 "on the sofa", 树下 "under the tree".
POSTPOSITIONS: dict[str, str] = {
    "上": "on", "上面": "on", "顶上": "on", "之上": "on", "上方": "above", "上空": "above",
    "旁边": "beside", "旁": "beside", "边上": "beside", "身边": "beside", "附近": "beside", "前面": "beside",
    "后面": "beside", "边": "beside", "里": "in", "里面": "in", "中": "in", "内": "in", "之中": "in",
    "下": "under", "下面": "under", "底下": "under", "之下": "under",
}

QUANTITY_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "lone": 1, "solitary": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 5, "seven": 5, "eight": 5, "nine": 5, "ten": 5, "dozen": 5, "a dozen": 5,
    "dozens of": 5, "a pair of": 2, "pair of": 2, "a couple of": 2, "couple of": 2, "both": 2, "twin": 2,
    "twins": 2, "a few": 3, "few": 3, "several": 3, "some": 3, "a group of": 4, "group of": 4,
    "many": 4, "lots of": 4, "a lot of": 4, "a bunch of": 3, "a herd of": 4, "a flock of": 4,
    "a pack of": 4, "a school of": 4, "a swarm of": 4, "a crowd of": 5, "a family of": 3, "a team of": 4,
    "a pride of": 4, "a colony of": 4, "numerous": 4, "countless": 5, "hundreds of": 5, "thousands of": 5,
    "a row of": 4, "rows of": 4,
    "两": 2, "俩": 2, "几": 3, "一些": 3, "许多": 4, "很多": 4, "好多": 4, "一群": 4, "成群的": 4,
    "一对": 2, "一双": 2, "数": 3, "无数": 5,
}

# Chinese digits; combined with a measure word (一只, 三本) they count what follows.
CHINESE_NUMBERS: dict[str, int] = {
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 5, "七": 5, "八": 5, "九": 5, "十": 5, "几": 3,
}
MEASURE_WORDS = (
    "只", "个", "本", "辆", "匹", "头", "条", "棵", "朵", "座", "把", "位", "名", "架", "艘", "张", "件",
    "杯", "碗", "块", "片", "颗", "盏", "支", "根", "群", "对", "双", "些", "间", "栋", "幢", "束", "顶", "台",
)

# Determiners that open a noun phrase without counting it.
DETERMINERS = frozenset({
    "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their", "every",
    "each", "another", "other", "any", "no", "such", "whose", "which", "what",
})
PLURAL_DETERMINERS = frozenset({"these", "those"})

SIZE_WORDS: dict[str, str] = {
    "tiny": "tiny", "teeny": "tiny", "mini": "tiny", "miniature": "tiny", "itsy bitsy": "tiny", "wee": "tiny",
    "little": "small", "small": "small", "baby": "small", "petite": "small",
    "big": "big", "large": "big", "tall": "big", "towering": "big",
    "giant": "giant", "huge": "giant", "gigantic": "giant", "enormous": "giant", "massive": "giant",
    "colossal": "giant", "vast": "giant", "immense": "giant", "mighty": "giant", "humongous": "giant",
    "小": "small", "小小": "tiny", "迷你": "tiny", "微型": "tiny", "袖珍": "tiny", "大": "big", "大大": "big",
    "高大": "big", "巨大": "giant", "巨型": "giant", "庞大": "giant", "超大": "giant",
}

MOOD_WORDS: dict[str, str] = {
    "cozy": "cozy", "cosy": "cozy", "warm": "cozy", "snug": "cozy", "homely": "cozy",
    "peaceful": "peaceful", "calm": "peaceful", "serene": "peaceful", "tranquil": "peaceful",
    "quiet": "peaceful", "relaxing": "peaceful", "dreamy": "dreamy", "dreamlike": "dreamy",
    "ethereal": "dreamy", "surreal": "dreamy", "magical": "magical", "enchanted": "magical",
    "mystical": "magical", "fantasy": "magical", "whimsical": "whimsical", "playful": "whimsical",
    "mysterious": "mysterious", "spooky": "spooky", "eerie": "spooky", "creepy": "spooky", "haunted": "spooky",
    "scary": "spooky", "gloomy": "gloomy", "moody": "gloomy", "melancholic": "gloomy", "melancholy": "gloomy",
    "sad": "gloomy", "lonely": "lonely", "cheerful": "cheerful", "happy": "cheerful", "joyful": "cheerful",
    "bright": "cheerful", "vibrant": "cheerful", "colorful": "cheerful", "colourful": "cheerful",
    "romantic": "romantic", "epic": "epic", "dramatic": "dramatic", "majestic": "epic", "heroic": "epic",
    "futuristic": "futuristic", "sci fi": "futuristic", "scifi": "futuristic", "high tech": "futuristic",
    "retro": "retro", "vintage": "retro", "nostalgic": "retro", "old fashioned": "retro",
    "festive": "festive", "cute": "cute", "adorable": "cute", "kawaii": "cute", "dark": "dark",
    "温馨": "cozy", "舒适": "cozy", "温暖": "cozy", "宁静": "peaceful", "安静": "peaceful", "平静": "peaceful",
    "梦幻": "dreamy", "魔幻": "magical", "奇幻": "magical", "神秘": "mysterious", "恐怖": "spooky",
    "阴森": "spooky", "忧郁": "gloomy", "孤独": "lonely", "快乐": "cheerful", "欢乐": "cheerful",
    "浪漫": "romantic", "史诗": "epic", "壮丽": "epic", "未来": "futuristic", "未来感": "futuristic",
    "未来主义": "futuristic", "科幻": "futuristic", "复古": "retro", "怀旧": "retro", "可爱": "cute",
    "节日": "festive", "黑暗": "dark",
}

# Words that put what follows them (or, at the end, what precedes them) behind the main scene.
BACKDROP_WORDS = frozenset({"behind", "in the background", "in the distance", "beyond"})

# Quantity phrases -> how the copies stand (Mention.arrangement).
ARRANGEMENTS: dict[str, str] = {
    **dict.fromkeys(("a pair of", "pair of", "a couple of", "couple of", "both", "twin", "twins", "一对", "一双",
                     "两", "俩"), "pair"),
    **dict.fromkeys(("many", "lots of", "a lot of", "dozens of", "countless", "hundreds of", "thousands of",
                     "numerous", "a dozen", "dozen", "许多", "很多", "好多", "无数"), "many"),
    **dict.fromkeys(("a herd of", "a flock of", "a pack of", "a school of", "a swarm of", "a group of",
                     "group of", "a family of", "a team of", "a pride of", "a colony of", "a bunch of", "一群",
                     "成群的"), "group"),
    **dict.fromkeys(("a row of", "rows of"), "row"),
    **dict.fromkeys(("a crowd of",), "crowd"),
}

# Prompt words about image quality: neither drawn nor worth reporting as missing.
QUALITY_WORDS = _words("""
beautiful pretty lovely gorgeous stunning nice cool awesome amazing wonderful fantastic great good hd 4k 8k
hdr ultra highly quality resolution masterpiece trending realistic photorealistic hyperrealistic cinematic
detailed intricate simple minimal minimalist elegant fancy
""")

# Grammar and prompt boilerplate: they end a noun phrase and never become ``unknown``.
# Every other table takes precedence over these sets.
FUNCTION_WORDS = _words("""
and or but nor so yet of for from to at as than then there here is are was were be been being am do does
did has have had having will would can could should may might must shall it they them he she him we us
you i me mine who whom which what where when while why how all either neither not very really quite
rather too also just only even still almost about up down out off away back together alone again ever
never always often sometimes much more most less least please generate create draw make render paint
show give imagine depict picture pictures image images photo photograph pic painting paintings art
artwork wallpaper poster scene shot view portrait landscape closeup close rendering style styled
version kind sort type featuring feature depicting showing background foreground distance horizon sky
skies ground grass water air light glow shadows shadow reflection reflections surface atmosphere
environment world place area spot setting vibe vibes lighting color colour colors colours tones tone
someone something anything everything nothing like same own first second last next today now
yesterday tomorrow s t d ll re ve m x named called made full covered filled through
across toward towards along past between beyond throughout during after before until since among
against despite except inside outside underneath upward upwards downward forward forwards ahead
everywhere somewhere anywhere nowhere home abroad afar overhead nearby there's its if because though
although unless whether whereas seems seem looks appear appears becomes become getting get gets got
let lets using use uses used way ways lot lots bit piece pieces group set pair bunch video videos
clip clips animation animated gif movie footage timelapse loop sequence frame frames photography
shade shades hue hues tint tints side top bottom front middle edge corner end center centre left right near far into onto upon
this way that way very much one ones thing things stuff everyone anyone nobody somebody people's
""")

# Descriptive words that sit inside a noun phrase ("a rocky beach") and are not drawn.
PLAIN_ADJECTIVES = _words("""
beautiful pretty lovely gorgeous stunning nice cool awesome amazing wonderful fantastic great good
old ancient young new modern tall short long wide narrow deep high low round square flat thin thick fat
soft hard smooth rough rocky sandy grassy leafy lush wild fluffy furry fuzzy shiny sparkling glittering
glowing luminous radiant shimmering dim pale faded fresh clean dirty wet dry hot cold icy frozen gentle
fierce brave wise clever curious friendly lazy busy hungry tired angry proud shy silly funny
smiling laughing crying grumpy fancy elegant simple minimal minimalist ornate intricate detailed
abstract geometric lowpoly isometric 3d 2d digital traditional classic classical famous empty crowded
bustling distant nearby far open closed wooden stone metal metallic glass plastic velvet mechanical
steampunk medieval victorian gothic japanese chinese french italian english american european asian
african tropical alpine northern southern eastern western mystic realistic photorealistic
hyperrealistic cinematic hd 4k 8k hdr ultra highly quality resolution masterpiece trending lit
lone lonely sleepy majestic fluffy tiny little big large giant huge massive cute adorable
quickly slowly happily peacefully quietly gently softly calmly lazily proudly
""")

# Chinese grammar words, boilerplate and common adjectives, consumed so they never look unknown.
CHINESE_IGNORED = _words("""
一幅 一张 一副 画 画面 图 图片 图像 照片 生成 创作 绘制 请 帮我 给我 我想要 我要 想要 一下 风格 场景
背景 美丽 漂亮 好看 精美 唯美 高清 写实 逼真 超现实 细节 精致 有 是 了 呢 吧 啊 着 地 得 很 非常
特别 正在 这 那 一起 一边 一 个 古老 古代 现代 新 旧 老 年轻 小巧 天空 地面 地上 草 水 光 光线 灯光
氛围 气氛 世界 远处 远方 近处 周围 四周 前景 中间 之间 正 被 让 为 想象 抽象 印象 形象 一片
""")

# --- poses, props and perches: what the planner makes of a verb ------------------------------

# Action -> the pose the drawing side draws (a small set of pose transforms, not per-prompt drawings).
POSES: dict[str, str] = {
    "reading": "reading", "holding": "holding", "riding": "riding", "sitting": "sitting",
    "standing": "standing", "flying": "flying", "swimming": "swimming", "running": "running",
    "walking": "walking", "sleeping": "sleeping", "playing": "holding", "eating": "eating",
    "drinking": "eating", "looking": "standing", "dancing": "dancing", "jumping": "jumping",
    "fishing": "fishing", "surfing": "surfing", "watering": "watering", "cooking": "holding",
    "painting": "holding", "singing": "holding", "building": "sitting", "climbing": "climbing",
    "skating": "running", "skiing": "running", "waving": "waving", "hugging": "holding",
    "writing": "sitting", "working": "sitting", "photographing": "holding", "camping": "sitting",
    "gardening": "watering", "howling": "sitting", "meditating": "sitting", "kicking": "running",
    "throwing": "waving", "knitting": "holding",
}

# Props an action implies when the prompt names no object: noun keys where a glyph exists,
# otherwise the name of a procedural prop ("surfboard", "watering can").
ACTION_PROPS: dict[str, tuple[str, ...]] = {
    "fishing": ("fishing rod",), "surfing": ("surfboard",), "watering": ("watering can",),
    "gardening": ("watering can",), "cooking": ("fried egg",), "painting": ("paintbrush",),
    "singing": ("microphone",), "photographing": ("camera",), "skiing": ("skis",), "skating": ("ice skate",),
    "reading": ("book",), "writing": ("pen",), "working": ("laptop",), "camping": ("tent",),
    "eating": ("apple",), "drinking": ("coffee",), "kicking": ("soccer ball",), "throwing": ("soccer ball",),
    "knitting": ("yarn",),
}

# Actions of a flyer at rest: it perches instead of flying.
RESTING_ACTIONS = frozenset({"sitting", "sleeping", "standing", "eating", "looking", "reading", "singing",
                             "howling", "holding", "drinking"})
# Scenery a resting flyer may sit on when the prompt names it; otherwise the setting's usual perch.
PERCH_FEATURES = ("branch", "fence", "windowsill", "wall", "shelf", "table", "desk", "cliff", "bridge")
PERCHES: dict[str, str] = {
    "forest": "branch", "jungle": "branch", "garden": "branch", "field": "fence", "city": "ledge",
    "beach": "post", "ocean": "post", "lake": "post", "room": "windowsill", "snowfield": "branch",
    "mountains": "rock", "desert": "rock", "space": "rock", "underwater": "rock",
}

# --- scenery, rooms, seasons and backdrops --------------------------------------------------

# Things users ask for that no glyph draws: scenery painters draw them (plan.features).
FEATURE_WORDS: dict[str, str] = {
    **dict.fromkeys(("lighthouse", "lighthouses", "灯塔"), "lighthouse"),
    **dict.fromkeys(("bridge", "bridges", "stone bridge", "wooden bridge", "footbridge", "桥", "大桥", "小桥",
                     "石桥", "木桥"), "bridge"),
    **dict.fromkeys(("road", "roads", "highway", "country road", "dirt road", "公路", "马路", "道路", "路"), "road"),
    **dict.fromkeys(("path", "paths", "trail", "pathway", "footpath", "forest path", "小路", "小径", "山路"),
                    "path"),
    **dict.fromkeys(("wall", "walls", "brick wall", "stone wall", "墙", "墙壁", "城墙"), "wall"),
    **dict.fromkeys(("fence", "fences", "picket fence", "栅栏", "篱笆", "围栏"), "fence"),
    **dict.fromkeys(("table", "tables", "kitchen table", "dining table", "coffee table", "picnic table",
                     "tabletop", "桌子", "桌", "桌上", "餐桌", "桌面"), "table"),
    **dict.fromkeys(("desk", "desks", "writing desk", "office desk", "书桌", "办公桌"), "desk"),
    **dict.fromkeys(("shelf", "shelves", "bookshelf", "bookshelves", "bookcase", "架子", "书架", "货架"), "shelf"),
    **dict.fromkeys(("windowsill", "window sill", "window ledge", "窗台"), "windowsill"),
    **dict.fromkeys(("branch", "branches", "tree branch", "bough", "树枝", "枝头", "树杈"), "branch"),
    **dict.fromkeys(("cliff", "cliffs", "cliffside", "cliff edge", "悬崖", "峭壁"), "cliff"),
    **dict.fromkeys(("cave", "caves", "cavern", "grotto", "洞穴", "山洞", "洞"), "cave"),
    **dict.fromkeys(("waterfall", "waterfalls", "falls", "瀑布"), "waterfall"),
    **dict.fromkeys(("river bank", "riverbank", "river", "stream", "creek", "河岸", "河", "小河", "溪", "小溪"),
                    "river bank"),
    **dict.fromkeys(("iceberg", "icebergs", "ice floe", "冰山"), "iceberg"),
    **dict.fromkeys(("aurora", "northern lights", "aurora borealis", "southern lights", "极光", "北极光"),
                    "aurora"),
    **dict.fromkeys(("pedestal", "podium", "plinth", "display stand", "展台", "底座", "基座"), "pedestal"),
    **dict.fromkeys(("campfire ring", "fire pit", "firepit", "火堆"), "campfire ring"),
    **dict.fromkeys(("pier", "dock", "jetty", "boardwalk", "码头", "栈桥"), "pier"),
    **dict.fromkeys(("stairs", "staircase", "steps", "楼梯", "台阶"), "stairs"),
    **dict.fromkeys(("street lamp", "streetlight", "street light", "lamppost", "lamp post", "路灯"),
                    "street lamp"),
}

# Indoor cues: the room they name, or furniture in it (plan.indoor).
CUE_WORDS: dict[str, str] = {
    **dict.fromkeys(("kitchen", "kitchens", "厨房"), "kitchen"),
    **dict.fromkeys(("cafe", "café", "coffee shop", "coffeehouse", "bakery", "restaurant", "diner", "bar",
                     "咖啡馆", "咖啡店", "餐厅", "面包店"), "cafe"),
    **dict.fromkeys(("bedroom", "bed room", "卧室"), "bedroom"),
    **dict.fromkeys(("living room", "lounge", "客厅"), "living room"),
    **dict.fromkeys(("library", "bookstore", "图书馆", "书店"), "library"),
    **dict.fromkeys(("office", "home office", "办公室"), "office"),
    **dict.fromkeys(("classroom", "教室"), "classroom"),
    **dict.fromkeys(("bathroom", "浴室", "卫生间"), "bathroom"),
    **dict.fromkeys(("attic", "阁楼"), "attic"),
    **dict.fromkeys(("workshop", "studio apartment", "工作室"), "workshop"),
    **dict.fromkeys(("study", "书房"), "study"),
    **dict.fromkeys(("room", "indoors", "interior", "房间", "室内", "屋里", "屋内"), "room"),
    **dict.fromkeys(("fireplace", "hearth", "壁炉"), "fireplace"),
    **dict.fromkeys(("aquarium", "fish tank", "水族箱", "鱼缸"), "aquarium"),
}
# Cues that are also furniture features: a table is both a cue and a thing to draw.
INDOOR_FEATURES = frozenset({"table", "desk", "shelf", "windowsill", "stairs"})

SEASON_WORDS: dict[str, str] = {
    "spring": "spring", "springtime": "spring", "spring blossom": "spring", "春天": "spring", "春": "spring",
    "春季": "spring",
    "summer": "summer", "summertime": "summer", "midsummer": "summer", "夏天": "summer", "夏": "summer",
    "夏日": "summer", "夏季": "summer",
    "autumn": "autumn", "fall": "autumn", "autumnal": "autumn", "autumn leaves": "autumn", "fall leaves": "autumn",
    "fall foliage": "autumn", "autumn foliage": "autumn", "秋天": "autumn", "秋": "autumn", "秋季": "autumn",
    "秋日": "autumn", "落叶": "autumn",
    "winter": "winter", "wintertime": "winter", "wintry": "winter", "冬天": "winter", "冬": "winter",
    "冬季": "winter", "冬日": "winter",
}

# A plain backdrop: a product shot or a portrait (plan.studio).
STUDIO_WORDS: dict[str, str] = {
    **dict.fromkeys(("product shot", "product photo", "product photography", "product render", "packshot",
                     "studio shot", "studio photo", "studio lighting", "white background", "on a white background",
                     "plain background", "isolated", "isolated on white", "simple background",
                     "black background", "dark background", "grey background", "gray background", "产品图", "产品照",
                     "白色背景", "白底", "纯色背景", "棚拍"), "product"),
    **dict.fromkeys(("portrait", "headshot", "head shot", "profile picture", "avatar", "passport photo",
                     "肖像", "头像", "人像", "证件照"), "portrait"),
}

# Place names: a city ("上海" is Shanghai, not "on" + "sea").
CITY_NAMES = _words("""
shanghai beijing tokyo paris london rome venice berlin seoul hong kong singapore dubai moscow istanbul
manhattan chicago sydney bangkok taipei osaka kyoto amsterdam barcelona madrid vienna prague
上海 北京 东京 巴黎 伦敦 纽约 香港 罗马 威尼斯 首尔 新加坡 迪拜 台北 大阪 京都 广州 深圳 成都 重庆 杭州
南京 西安 武汉 苏州 天津 曼谷 悉尼 柏林 莫斯科 洛杉矶 旧金山
""") | {"new york", "los angeles", "san francisco", "las vegas", "hong kong", "new york city", "rio de janeiro"}

# Words that hold or serve something: "a bowl of ramen" draws ramen (in its bowl), not a bowl beside it.
CONTAINERS = frozenset({
    "bowl", "bowls", "cup", "cups", "mug", "mugs", "glass", "glasses", "plate", "plates", "platter", "platters",
    "tray", "box", "boxes", "basket", "baskets", "jar", "jars", "bottle", "bottles", "bucket", "pot", "pan",
    "bag", "bags", "crate", "can", "cans", "dish", "dishes", "pitcher", "jug", "vase", "carton", "sack", "pile",
    "stack", "heap", "slice", "piece", "bunch", "handful", "loaf", "barrel", "tub", "cone", "bouquet",
    "碗", "杯", "盘", "盘子", "一碗", "一杯", "一盘", "一篮", "一袋", "一瓶", "一盒",
})
# Glyphs that already show the dish or glass they come in: "a bowl of ramen" needs no second bowl.
SELF_CONTAINED = frozenset({
    "ramen", "soup", "rice", "curry", "salad", "coffee", "tea", "milk", "wine", "beer", "cocktail", "popcorn",
    "spaghetti", "ice cream", "bento", "honey", "tropical drink", "bubble tea", "soda", "juice", "shaved ice",
    "fries", "champagne", "bowl", "fried egg",
})
# Head words after a known noun that do not replace it: "sushi platter" is sushi, "balloon festival"
# is balloons, "kitten portrait" is a kitten.
COLLECTIONS = frozenset({
    "festival", "festivals", "parade", "market", "party", "fair", "show", "race", "collection", "display",
    "family", "herd", "flock", "swarm", "squad", "team", "army", "field", "garden", "bouquet", "arrangement",
    "set", "pattern", "print", "costume", "toy", "toys", "figurine", "sculpture", "illustration", "drawing",
    "emoji", "icon", "logo", "mascot", "character", "sticker", "plush", "cartoon",
})
# Words that are verbs after a subject and nouns after an article ("kids building a snowman",
# "a tall building"): the grammar picks the sense by its place; this lists the noun senses.
NOUN_SENSES: dict[str, str] = {"building": "skyscraper", "buildings": "skyscraper", "wave": "wave",
                               "waves": "wave", "fish": "fish", "painting": "", "drawing": "", "fall": ""}
