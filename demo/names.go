package demo

import (
	"strconv"
	"strings"
)

// Chinese names: a surname drawn by its frequency in the population, and a
// given name of one or two characters from common lists. Pinyin comes along
// for e-mail addresses.
type syllable struct{ han, py string }

var surnames = []syllable{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},
	{"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"},
	{"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"}, {"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"},
	{"梁", "liang"}, {"谢", "xie"}, {"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"},
	{"邓", "deng"}, {"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
	{"袁", "yuan"}, {"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"余", "yu"}, {"杜", "du"},
	{"叶", "ye"}, {"程", "cheng"}, {"苏", "su"}, {"魏", "wei"}, {"吕", "lv"}, {"丁", "ding"}, {"任", "ren"},
	{"沈", "shen"}, {"姚", "yao"}, {"卢", "lu"}, {"姜", "jiang"}, {"崔", "cui"}, {"钟", "zhong"}, {"谭", "tan"},
	{"陆", "lu"}, {"汪", "wang"}, {"范", "fan"}, {"金", "jin"}, {"石", "shi"}, {"廖", "liao"}, {"贾", "jia"},
	{"夏", "xia"}, {"韦", "wei"}, {"付", "fu"}, {"方", "fang"}, {"白", "bai"}, {"邹", "zou"}, {"孟", "meng"},
	{"熊", "xiong"}, {"秦", "qin"}, {"邱", "qiu"}, {"江", "jiang"}, {"尹", "yin"}, {"薛", "xue"}, {"闫", "yan"},
	{"段", "duan"}, {"雷", "lei"}, {"侯", "hou"}, {"龙", "long"}, {"史", "shi"}, {"陶", "tao"}, {"黎", "li"},
	{"贺", "he"}, {"顾", "gu"}, {"毛", "mao"}, {"郝", "hao"}, {"龚", "gong"}, {"邵", "shao"}, {"万", "wan"},
	{"钱", "qian"}, {"严", "yan"}, {"武", "wu"}, {"戴", "dai"}, {"莫", "mo"}, {"孔", "kong"}, {"向", "xiang"},
	{"汤", "tang"}, {"欧阳", "ouyang"}, {"司马", "sima"},
}

// surnameWeights are per mille of the population, roughly.
var surnameWeights = []float64{
	71, 70, 68, 54, 45, 31, 22, 20, 20, 19, 13, 13, 12, 12,
	11, 11, 9, 9, 9, 9, 8,
	8, 6, 6, 5, 5, 5, 5,
	5, 5, 5, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 3, 3,
	3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
	1, 0.3, 0.1,
}

var maleGiven = []syllable{
	{"伟", "wei"}, {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"勇", "yong"}, {"杰", "jie"}, {"涛", "tao"},
	{"斌", "bin"}, {"超", "chao"}, {"明", "ming"}, {"刚", "gang"}, {"平", "ping"}, {"辉", "hui"}, {"鹏", "peng"},
	{"华", "hua"}, {"飞", "fei"}, {"鑫", "xin"}, {"波", "bo"}, {"宇", "yu"}, {"浩", "hao"}, {"凯", "kai"},
	{"健", "jian"}, {"俊", "jun"}, {"帆", "fan"}, {"旭", "xu"}, {"宁", "ning"}, {"龙", "long"}, {"林", "lin"},
	{"建", "jian"}, {"国", "guo"}, {"志", "zhi"}, {"文", "wen"}, {"东", "dong"}, {"海", "hai"}, {"峰", "feng"},
	{"晨", "chen"}, {"阳", "yang"}, {"博", "bo"}, {"毅", "yi"}, {"振", "zhen"}, {"天", "tian"}, {"家", "jia"},
	{"子", "zi"}, {"嘉", "jia"}, {"永", "yong"}, {"成", "cheng"}, {"亮", "liang"}, {"春", "chun"}, {"德", "de"},
	{"荣", "rong"}, {"立", "li"}, {"兵", "bing"}, {"洋", "yang"}, {"晓", "xiao"}, {"思", "si"}, {"卫", "wei"},
}

var femaleGiven = []syllable{
	{"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"艳", "yan"}, {"娟", "juan"},
	{"霞", "xia"}, {"燕", "yan"}, {"玲", "ling"}, {"婷", "ting"}, {"雪", "xue"}, {"慧", "hui"}, {"颖", "ying"},
	{"琳", "lin"}, {"洁", "jie"}, {"梅", "mei"}, {"琴", "qin"}, {"倩", "qian"}, {"晶", "jing"}, {"欣", "xin"},
	{"悦", "yue"}, {"佳", "jia"}, {"怡", "yi"}, {"雯", "wen"}, {"璐", "lu"}, {"萍", "ping"}, {"红", "hong"},
	{"秀", "xiu"}, {"英", "ying"}, {"兰", "lan"}, {"思", "si"}, {"雨", "yu"}, {"梦", "meng"}, {"诗", "shi"},
	{"丹", "dan"}, {"月", "yue"}, {"晓", "xiao"}, {"春", "chun"}, {"桂", "gui"}, {"淑", "shu"}, {"凤", "feng"},
}

// person is a generated name with its pinyin.
type person struct {
	name, pinyin string
	male         bool
}

func newPerson(r *rng) person {
	s := surnames[r.weighted(surnameWeights)]
	male := r.chance(0.56)
	list := femaleGiven
	if male {
		list = maleGiven
	}
	g1 := pick(r, list)
	name, py := s.han+g1.han, s.py+g1.py
	if r.chance(0.68) {
		g2 := pick(r, list)
		if g2.han != g1.han || r.chance(0.3) { // 婷婷, 丹丹 happen, but rarely
			name, py = name+g2.han, py+g2.py
		}
	}
	return person{name: name, pinyin: py, male: male}
}

// mobilePrefixes are the mainland mobile number ranges a customer list shows
// most (China Mobile, Unicom, Telecom).
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
	"191", "193", "195", "196", "198", "199",
}

// phoneBook makes mobile numbers that look real but are made up: the last
// eight digits are a running number put through a seed-keyed permutation
// of 0 … 10⁸−1 (a four-round Feistel network on two halves of four digits),
// so no two people share a number, the digits show no pattern, and the
// same seed always gives the same book.
type phoneBook struct{ keys [4]uint64 }

func newPhoneBook(seed uint64) phoneBook {
	var p phoneBook
	for i := range p.keys {
		p.keys[i] = splitmix64(seed ^ uint64(0x70686f6e65+i))
	}
	return p
}

// permute maps x < 10⁸ to a distinct y < 10⁸.
func (p phoneBook) permute(x uint64) uint64 {
	const half = 10_000
	l, r := x/half, x%half
	for _, k := range p.keys {
		l, r = r, (l+splitmix64(k^r)%half)%half
	}
	return l*half + r
}

func (p phoneBook) number(r *rng, i uint64) string {
	n := p.permute(i % 100_000_000)
	s := strconv.FormatUint(n+100_000_000, 10)[1:] // eight digits, leading zeros kept
	return pick(r, mobilePrefixes) + s
}

// Demo e-mail addresses use the domains reserved for examples (RFC 2606), so
// that nothing generated is a real mailbox.
var mailDomains = []string{"example.com", "example.net", "example.org", "mail.example.com"}

func email(r *rng, p person) string {
	var b strings.Builder
	b.WriteString(p.pinyin)
	switch r.n(4) {
	case 0:
		b.WriteString(strconv.Itoa(60 + r.n(40)))
	case 1:
		b.WriteString(strconv.Itoa(1960 + r.n(45)))
	case 2:
		b.WriteString(strconv.Itoa(r.between(1, 999)))
	}
	b.WriteByte('@')
	b.WriteString(pick(r, mailDomains))
	return b.String()
}

// The dealership serves Shanghai and its neighbours.
var regions = []struct {
	name, city string
	w          float64
}{
	{"浦东新区", "上海市", 20}, {"闵行区", "上海市", 12}, {"徐汇区", "上海市", 7}, {"长宁区", "上海市", 5},
	{"静安区", "上海市", 5}, {"普陀区", "上海市", 6}, {"杨浦区", "上海市", 6}, {"虹口区", "上海市", 4},
	{"黄浦区", "上海市", 3}, {"宝山区", "上海市", 8}, {"嘉定区", "上海市", 6}, {"松江区", "上海市", 7},
	{"青浦区", "上海市", 4}, {"奉贤区", "上海市", 3}, {"金山区", "上海市", 2}, {"昆山市", "江苏省苏州市", 3},
	{"太仓市", "江苏省苏州市", 1}, {"嘉善县", "浙江省嘉兴市", 1},
}

var regionWeights = func() []float64 {
	w := make([]float64, len(regions))
	for i, r := range regions {
		w[i] = r.w
	}
	return w
}()

var roads = []string{"人民路", "中山路", "解放路", "建设路", "新华路", "和平路", "文化路", "光明路", "胜利路", "育才路",
	"青年路", "友谊路", "幸福路", "朝阳路", "长江路", "黄河路", "东风路", "工业路", "科技路", "迎宾大道", "滨江大道",
	"环城北路", "府前街", "花园街", "康桥路", "锦绣路", "春申路", "银都路", "莲花路", "紫藤路"}

var estates = []string{"阳光花园", "锦绣苑", "翠湖小区", "金色家园", "绿洲新城", "春江花苑", "华庭", "世纪公寓", "名都城",
	"御景湾", "香樟园", "丽水湾", "枫林苑", "嘉园", "新村"}

func address(r *rng, reg int) string {
	rg := regions[reg]
	var b strings.Builder
	b.WriteString(rg.city)
	b.WriteString(rg.name)
	b.WriteString(pick(r, roads))
	if r.chance(0.6) {
		b.WriteString(strconv.Itoa(r.between(1, 2999)))
		b.WriteString("弄")
		b.WriteString(pick(r, estates))
		b.WriteString(strconv.Itoa(r.between(1, 60)))
		b.WriteString("号")
		b.WriteString(strconv.Itoa(r.between(1, 32)*100 + r.between(1, 6)))
		b.WriteString("室")
	} else {
		b.WriteString(strconv.Itoa(r.between(1, 1999)))
		b.WriteString("号")
	}
	return b.String()
}

var companyWords = []string{"恒达", "鑫源", "宏发", "华通", "金桥", "远航", "顺达", "佳禾", "瑞丰", "博远", "天成", "盛世",
	"海纳", "中联", "东方", "新锐", "明辉", "锦程", "永信", "卓越", "安吉", "申通", "浦江", "汇丰源", "宝利", "万隆", "荣昌", "德信"}

var fleetTrades = []string{"物流", "出租汽车", "汽车租赁", "快递", "旅游客运", "货运", "城市配送", "冷链运输"}

var otherTrades = []string{"建设工程", "电子科技", "贸易", "食品", "医药", "商贸", "环境工程", "信息技术", "餐饮管理",
	"房地产开发", "机械制造", "文化传媒", "教育科技", "服装"}

func company(r *rng, fleet bool) string {
	trade := pick(r, otherTrades)
	if fleet {
		trade = pick(r, fleetTrades)
	}
	city := ""
	if r.chance(0.5) {
		city = "上海"
	}
	suffix := "有限公司"
	if r.chance(0.15) {
		suffix = "股份有限公司"
	}
	return city + pick(r, companyWords) + trade + suffix
}

var zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// zhNumber writes 1 … 99 in Chinese numerals, as group names are written.
func zhNumber(n int) string {
	switch {
	case n < 10:
		return zhDigits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + zhDigits[n%10]
	case n%10 == 0 && n < 100:
		return zhDigits[n/10] + "十"
	case n < 100:
		return zhDigits[n/10] + "十" + zhDigits[n%10]
	}
	return strconv.Itoa(n)
}

// padded formats prefix + n with at least width digits.
func padded(prefix string, n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return prefix + s
}

func digits(n int) int { return len(strconv.Itoa(n)) }
