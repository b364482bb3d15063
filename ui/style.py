"""The public chat's stylesheet (GOV.UK-like: plain type, inset sources, yellow highlight and focus, status tags)."""

CSS = """
#header, #chat .message-content, #sources, #programs, #feedback, #examples { word-break: keep-all;
    overflow-wrap: anywhere; }
#send, #new-chat { white-space: nowrap; padding-left: .6rem; padding-right: .6rem; }
#sources .sources-heading, #programs .programs-heading { font-size: 1.25rem; margin: 0 0 .75rem; }
#sources .sources-status, #programs .programs-status { color: #505a5f; }
#sources .sources-lead { font-weight: 600; }
#sources .source-list { list-style: none; margin: 0; padding: 0; }
#sources .source { border-left: 5px solid #b1b4b6; padding: .25rem 0 .5rem .9rem; margin: 0 0 1.1rem; }
#sources .source:target { border-left-color: #1d70b8; background: #f3f2f1; }
#sources .source-title { font-weight: 700; margin: 0 0 .15rem; }
#sources .source-meta { color: #505a5f; font-size: .9rem; overflow-wrap: anywhere; }
#sources .source-quote { margin: .4rem 0; padding: 0; border: 0; font-style: normal; }
#sources mark { background: #fff7bf; color: #0b0c0c; box-shadow: 0 0 0 2px #fff7bf; }
#sources a, #programs a, #chat a.cite { color: #1d70b8; text-decoration: underline; }
#sources a:focus, #programs a:focus, #chat a.cite:focus { outline: 3px solid #ffdd00; background: #ffdd00;
    color: #0b0c0c; }
#chat a.cite { font-weight: 600; white-space: nowrap; }
#programs .programs-count { font-weight: 600; }
#programs .program-table { width: 100%; border-collapse: collapse; }
#programs .program-table th, #programs .program-table td { text-align: left; vertical-align: top; padding: .6rem .5rem;
    border-bottom: 1px solid #b1b4b6; }
#programs .criteria { list-style: none; margin: 0; padding: 0; }
#programs .criterion { margin: 0 0 .35rem; }
#programs .status { font-weight: 600; margin-right: .25rem; }
#programs .status-met .status { color: #005a30; }
#programs .status-not_met .status { color: #942514; }
#programs .status-unknown .status { color: #594d00; }
#programs .program-note { margin: .35rem 0 0; color: #505a5f; }
#programs .tag { display: inline-block; padding: .15rem .5rem; font-size: .9rem; white-space: nowrap; }
#programs .tag-eligible { background: #cce2d8; color: #005a30; }
#programs .tag-need_info { background: #fff7bf; color: #594d00; }
#programs .tag-not_eligible { background: #f4cdc6; color: #942514; }
#programs .programs-note { color: #505a5f; font-size: .9rem; }
@media (max-width: 640px) {
    #header h1 { font-size: 1.4rem; margin-bottom: .25rem; }
    #header p { font-size: .9rem; }
    #programs .program-table thead { display: none; }
    #programs .program-table tr, #programs .program-table th, #programs .program-table td { display: block;
        border: 0; padding: .2rem 0; }
    #programs .program-table tr { border-bottom: 1px solid #b1b4b6; padding: .6rem 0; }
}
"""
