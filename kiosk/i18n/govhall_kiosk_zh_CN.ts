<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="zh_CN">
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../widgets/admin.py" line="+107"/>
        <source>设备设置</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>返回服务界面</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>退出程序</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AskScreen</name>
    <message>
        <location filename="../screens/evaluator_screens.py" line="+87"/>
        <source>请点击下方按钮评价</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+26"/>
        <source>请对 {t} 号的服务进行评价</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>请对本次办件进行评价
{item}（办件编号 {ref}）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BusinessTile</name>
    <message>
        <location filename="../widgets/business_tile.py" line="+69"/>
        <source>优先取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>不限号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>今日已满</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>剩余 {n} 号</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BusyScreen</name>
    <message>
        <location filename="../screens/dispenser_result.py" line="+26"/>
        <source>正在为您取号，请稍候…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ClerkScreen</name>
    <message>
        <location filename="../screens/evaluator_screens.py" line="-82"/>
        <source>{n} 号窗口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>办理结束后，请您对本次服务作出评价。您的评价将用于改进政务服务。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>服务监督电话：12345</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>窗口工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>工号：{no}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>正在办理：{t} 号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>欢迎您！</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DispenserHome</name>
    <message>
        <location filename="../screens/dispenser_home.py" line="+30"/>
        <location line="+87"/>
        <source>请选择办理业务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-86"/>
        <source>长者模式</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>标准模式</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>手机号取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+74"/>
        <source>点击业务取号；已预约或老年人请刷身份证；也可扫描粤省事码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-72"/>
        <source>返回首页</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+45"/>
        <source>点击取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>选择上方业务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>刷身份证</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>预约自动签到 · 长者优先</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>扫码取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>出示粤省事码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>{who}，请选择办理业务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请点击要办理的业务</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DispenserWindow</name>
    <message>
        <location filename="../dispenser.py" line="+115"/>
        <source>您的预约已超过签到时间，将按现场取号办理</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>身份证 {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>手机 {phone}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请点击要办理的业务，临近叫号时将短信提醒您</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>企业 {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+70"/>
        <source>预计等候{wait}，请留意叫号，过号需重新取号</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DisplayBoard</name>
    <message>
        <location filename="../screens/display_board.py" line="+78"/>
        <source>正在呼叫</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请留意叫号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+21"/>
        <source>最近呼叫</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>各业务等候人数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+46"/>
        <source>{t}  →  {w} 号窗口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>请 {t} 号到 {w} 号窗口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{n} 人</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EnrolScreen</name>
    <message>
        <location filename="../screens/enrol_screen.py" line="+31"/>
        <source>取号机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>评价器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>集中显示屏</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>大厅控制器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>窗口工作站</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>这个登记码是为“{0}”生成的，本机是“{1}”。请管理员在设备管理页选择“{1}”重新生成登记二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>登记码已过期（生成后30分钟内有效）。请管理员在设备管理页重新生成后再扫描。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>这个登记码已经使用过，不能再次登记。请管理员重新生成登记二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>服务器不认识这个登记码。请管理员重新生成登记二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>无法连接登记码所指的服务器。请检查本机网络后重新扫描。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>这不是可用的设备登记二维码。请扫描设备管理页上的登记二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>这不是设备登记二维码。请扫描设备管理页上的登记二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>无法写入本机配置文件，请联系管理员检查磁盘和权限。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>登记失败（{0}），请重新扫描或联系管理员。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>设备登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>本机：{0}（尚未登记）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+57"/>
        <source>正在连接{0}……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}未连接或暂不可用，正在重试……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请稍候，连接好后即可扫码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>请扫描设备管理页上的登记二维码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-55"/>
        <source>管理员：系统管理 → 设备管理 → 选择设备类型“{0}” → 生成扫码登记二维码。登记码只能使用一次，30分钟内有效。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>摄像头</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>扫码器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>把二维码对准本机的{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-3"/>
        <source>或</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>本机配置中没有扫码器或摄像头（[scanner] 或 [camera]），无法扫码登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>等待扫码……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-26"/>
        <source>请联系管理员在配置文件中加入扫码器或摄像头</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+49"/>
        <source>已读到登记码，正在向服务器登记……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>登记成功，正在启动……</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>可重新扫描。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../widgets/common.py" line="+66"/>
        <source>星期</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Kiosk</name>
    <message>
        <location filename="../dispenser.py" line="-147"/>
        <source>自助取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../display.py" line="+28"/>
        <source>叫号信息</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请保管好随身财物；过号请重新取号；办事指南请扫描窗口二维码。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../evaluator.py" line="+24"/>
        <source>服务评价</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../texts.py" line="+18"/>
        <source>取号机缺纸，暂时无法打印号票</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印机盖未关好，暂时无法打印号票</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印机未就绪，暂时无法打印号票</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>号票未能完整打印</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印机未连接</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印机无响应</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本机未配置打印机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印机故障，暂时无法打印号票</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>无法识别该二维码，请出示粤省事码或刷身份证</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未查询到您今天的预约</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>系统繁忙，请稍后再试或咨询工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本机暂不能手机号取号，请点击业务取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>该码已过期，请在手机上刷新后重新出示</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无法核验该码，请刷身份证或点击业务取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>暂时无法连接省级平台核验粤省事码，请刷身份证或直接点击业务取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>本机暂不能核验粤省事码，请刷身份证或点击业务取号，并告知工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>核验结果有误，请刷身份证或点击业务取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>核验结果未通过省级平台签名校验，未予采信。请刷身份证或点击业务取号，并告知工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>本机暂不支持粤省事码，请刷身份证或点击业务取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>老年人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>残疾人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>孕妇</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>军人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>暂无法估算</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>即将叫号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>约 {n} 分钟</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <location filename="../screens/dispenser_result.py" line="+97"/>
        <source>重新打印</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不打印，记住号码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>返回首页</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>暂时无法为您取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>工作人员已收到提醒。您可以重新打印，或不打印并记住下面的号码；返回首页则本次不取号。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PhoneKeypad</name>
    <message>
        <location filename="../screens/phone_keypad.py" line="+29"/>
        <source>手机号取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请输入您的手机号码，临近叫号时将短信提醒您</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>清空</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>删除</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>确认</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>返回首页</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+64"/>
        <source>请输入11位手机号码</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../widgets/admin.py" line="-61"/>
        <source>管理员验证</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>返回</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>密码错误，请重试</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReasonScreen</name>
    <message>
        <location filename="../screens/evaluator_screens.py" line="+62"/>
        <source>很抱歉没有让您满意，请告诉我们原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>我们将在 {n} 个工作日内整改并回复</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBanner</name>
    <message>
        <location filename="../widgets/common.py" line="+21"/>
        <source>本设备已被管理员停用，请联系工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>网络正常</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>正在连接服务器…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>号源不足，正在使用备用号码，请联系工作人员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>，{n} 条记录待上传</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>离线运行中：服务照常，网络恢复后自动同步</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message>
        <location filename="../screens/evaluator_screens.py" line="+29"/>
        <source>感谢您的评价！</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>感谢您的光临！</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <location filename="../screens/dispenser_result.py" line="-108"/>
        <source>微信扫码，随时查看排队进度</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>完成</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+21"/>
        <source>取号成功，请取走号票</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>未打印号票，请记住您的号码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>您预约了 {time} 的{business}，已为您取号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>网络中断期间发放的号码，叫号顺序不受影响</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{business}（{priority}优先）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>您前面还有 {n} 人等候
预计等候：{wait}
取号时间 {at}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>手机 {phone}（临近叫号短信提醒）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WindowCell</name>
    <message>
        <location filename="../screens/display_board.py" line="-134"/>
        <source>{n} 号窗口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>暂停服务</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
