<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
    <context>
        <name>ActivationsPanel</name>
        <message>
            <source>Overview from input to head</source>
            <translation>입력부터 헤드까지 한눈에 보기</translation>
        </message>
        <message>
            <source>Pick an image and a layer.</source>
            <translation>이미지와 층을 고르세요.</translation>
        </message>
        <message>
            <source>Overview: one map per stage, from the input to the head</source>
            <translation>한눈에 보기: 입력부터 헤드까지 단계마다 활성화 맵 하나</translation>
        </message>
        <message>
            <source>Feature maps</source>
            <translation>특징 맵 (feature map)</translation>
        </message>
        <message>
            <source>{0}: output {1}, values {2:.3g} to {3:.3g}</source>
            <translation>{0}: 출력 {1}, 값 {2:.3g} ~ {3:.3g}</translation>
        </message>
        <message>
            <source>#{0} (mean {1:.2g}, {2:.2g}..{3:.2g})</source>
            <translation>#{0} (평균 {1:.2g}, {2:.2g}..{3:.2g})</translation>
        </message>
        <message numerus="yes">
            <source>{0} of %n channel(s)</source>
            <translation>
                <numerusform>채널 %n개 중 {0}개</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n channel(s)</source>
            <translation>
                <numerusform>채널 %n개</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}: output {1}, values {2:.3g} to {3:.3g}; {4}, sorted by mean activation. Strongest: {5}</source>
            <translation>{0}: 출력 {1}, 값 {2:.3g} ~ {3:.3g}; {4}, 평균 활성화 순으로 정렬. 가장 강한 채널: {5}</translation>
        </message>
    </context>
    <context>
        <name>BudgetBox</name>
        <message>
            <source>Budget</source>
            <translation>예산</translation>
        </message>
        <message>
            <source>quick: minutes on a laptop, shows the effect</source>
            <translation>quick: 노트북에서 몇 분, 효과가 보임</translation>
        </message>
        <message>
            <source>paper: the paper's settings</source>
            <translation>paper: 논문의 설정</translation>
        </message>
        <message>
            <source>smoke: seconds, a first look</source>
            <translation>smoke: 몇 초, 첫 확인용</translation>
        </message>
    </context>
    <context>
        <name>CellGradcamBar</name>
        <message>
            <source>Grad-CAM</source>
            <translation>Grad-CAM</translation>
        </message>
        <message>
            <source>Show Grad-CAM heatmaps on the cell's images</source>
            <translation>이 칸의 이미지에 Grad-CAM 히트맵 표시</translation>
        </message>
        <message>
            <source>Overlay where in each image the evidence for the class is (computed with the run's best checkpoint).</source>
            <translation>각 이미지에서 클래스의 근거가 있는 곳을 겹쳐 보여 줍니다 (이 실행의 최고 체크포인트로 계산).</translation>
        </message>
        <message>
            <source>Class the heatmaps explain</source>
            <translation>히트맵이 설명하는 클래스</translation>
        </message>
        <message>
            <source>for the predicted class</source>
            <translation>예측 클래스 기준</translation>
        </message>
        <message>
            <source>for the true class</source>
            <translation>실제 클래스 기준</translation>
        </message>
        <message>
            <source>Heatmap opacity</source>
            <translation>히트맵 불투명도</translation>
        </message>
        <message>
            <source>Opacity</source>
            <translation>불투명도</translation>
        </message>
    </context>
    <context>
        <name>ConfigFiles</name>
        <message>
            <source>Save config</source>
            <translation>설정 저장</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
        <message>
            <source>Saved {path}</source>
            <translation>저장함: {path}</translation>
        </message>
        <message>
            <source>Load config</source>
            <translation>설정 불러오기</translation>
        </message>
        <message>
            <source>the selected run {name} (its config.json)</source>
            <translation>선택한 실행 {name} (그 config.json)</translation>
        </message>
        <message>
            <source>the current Model and Train settings (select one run in Runs to export it instead)</source>
            <translation>현재 모델·학습 설정 (특정 실행을 내보내려면 실행 목록에서 하나를 선택하세요)</translation>
        </message>
    </context>
    <context>
        <name>ConfusionPlot</name>
        <message>
            <source>true class</source>
            <translation>실제 클래스</translation>
        </message>
        <message>
            <source>predicted class</source>
            <translation>예측 클래스</translation>
        </message>
        <message>
            <source>predicted: {name}</source>
            <translation>예측: {name}</translation>
        </message>
        <message>
            <source>true: {name}</source>
            <translation>실제: {name}</translation>
        </message>
        <message>
            <source>true {t} → predicted {p}: {n} images</source>
            <translation>실제 {t} → 예측 {p}: 이미지 {n}장</translation>
        </message>
    </context>
    <context>
        <name>DatasetLoader</name>
        <message>
            <source>Open a dataset folder</source>
            <translation>데이터셋 폴더 열기</translation>
        </message>
        <message>
            <source>Scanning {folder}…</source>
            <translation>{folder} 검사 중…</translation>
        </message>
        <message>
            <source>Dataset loading cancelled.</source>
            <translation>데이터셋 불러오기를 취소했습니다.</translation>
        </message>
    </context>
    <context>
        <name>DatasetView</name>
        <message>
            <source>Drop a dataset folder here or press Ctrl+O.

A dataset is a folder with one sub-folder per class (optionally inside train/ and test/).</source>
            <translation>데이터셋 폴더를 여기에 끌어다 놓거나 Ctrl+O를 누르세요.

데이터셋은 클래스마다 하위 폴더가 하나씩 있는 폴더입니다 (train/, test/ 안에 있어도 됩니다).</translation>
        </message>
        <message>
            <source>Open dataset folder…</source>
            <translation>데이터셋 폴더 열기…</translation>
        </message>
        <message>
            <source>Open dataset folder</source>
            <translation>데이터셋 폴더 열기</translation>
        </message>
        <message>
            <source>Dataset loading progress</source>
            <translation>데이터셋 불러오기 진행률</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>취소</translation>
        </message>
        <message>
            <source>Cancel loading the dataset</source>
            <translation>데이터셋 불러오기 취소</translation>
        </message>
        <message>
            <source>Images per class and split</source>
            <translation>클래스·분할별 이미지 수</translation>
        </message>
        <message>
            <source>images</source>
            <translation>이미지</translation>
        </message>
        <message>
            <source>Images per class</source>
            <translation>클래스별 이미지 수</translation>
        </message>
        <message>
            <source>Split (validation is carved from train when there is no val/ folder)</source>
            <translation>분할 (val/ 폴더가 없으면 검증 세트를 학습 세트에서 떼어 냅니다)</translation>
        </message>
        <message>
            <source>Validation fraction</source>
            <translation>검증 비율</translation>
        </message>
        <message>
            <source>Test fraction</source>
            <translation>테스트 비율</translation>
        </message>
        <message>
            <source>Apply split</source>
            <translation>분할 적용</translation>
        </message>
        <message>
            <source>Apply the split fractions</source>
            <translation>분할 비율 적용</translation>
        </message>
        <message>
            <source>Validation</source>
            <translation>검증</translation>
        </message>
        <message>
            <source>Test</source>
            <translation>테스트</translation>
        </message>
        <message>
            <source>Problems and warnings (click to reveal):</source>
            <translation>문제와 경고 (클릭하면 파일 위치를 엽니다):</translation>
        </message>
        <message>
            <source>Problems and warnings</source>
            <translation>문제와 경고</translation>
        </message>
        <message>
            <source>Classes</source>
            <translation>클래스</translation>
        </message>
        <message>
            <source>Sample images</source>
            <translation>샘플 이미지</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>불러오는 중…</translation>
        </message>
        <message>
            <source>train/test sub-folders</source>
            <translation>train/test 하위 폴더</translation>
        </message>
        <message>
            <source>one folder per class (split here)</source>
            <translation>클래스마다 폴더 하나 (여기서 분할)</translation>
        </message>
        <message>
            <source> (validation carved from train)</source>
            <translation> (검증 세트는 학습 세트에서 떼어 냄)</translation>
        </message>
        <message>
            <source>&lt;b&gt;{root}&lt;/b&gt;&lt;br&gt;Layout: {layout} · {n} classes · images: {splits} · working size {size} px</source>
            <translation>&lt;b&gt;{root}&lt;/b&gt;&lt;br&gt;구성: {layout} · 클래스 {n}개 · 이미지: {splits} · 작업 크기 {size} px</translation>
        </message>
        <message>
            <source> (+{n} other sizes)</source>
            <translation> (그 밖의 크기 {n}가지)</translation>
        </message>
        <message>
            <source>Image sizes: {sizes}{more}</source>
            <translation>이미지 크기: {sizes}{more}</translation>
        </message>
        <message>
            <source>This dataset has its own train/test folders; the validation fraction is carved from train.</source>
            <translation>이 데이터셋에는 train/test 폴더가 따로 있습니다. 검증 비율만큼 학습 세트에서 떼어 냅니다.</translation>
        </message>
        <message>
            <source>Warning: {text}</source>
            <translation>경고: {text}</translation>
        </message>
        <message>
            <source> (+{n} more)</source>
            <translation> (외 {n}개)</translation>
        </message>
        <message>
            <source>Skipped (not images): {names}{more}</source>
            <translation>건너뜀 (이미지가 아님): {names}{more}</translation>
        </message>
        <message>
            <source>No problems found.</source>
            <translation>문제가 없습니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;{cls}&lt;/b&gt;: showing {n} of {total} images ({splits}); hover a thumbnail for its split and path.</source>
            <translation>&lt;b&gt;{cls}&lt;/b&gt;: 이미지 {total}개 중 {n}개 표시 ({splits}). 썸네일 위에 마우스를 올리면 분할과 경로가 보입니다.</translation>
        </message>
        <message>
            <source>Validation + test is {total:.2f}; keep it below 1 so some images are left for training.</source>
            <translation>검증 + 테스트 비율이 {total:.2f}입니다. 학습에 쓸 이미지가 남도록 1보다 작게 하세요.</translation>
        </message>
    </context>
    <context>
        <name>DropRouter</name>
        <message>
            <source>Classifying what was dropped (on the Predict tab drops are classified; drop a folder on another tab to open it as a dataset).</source>
            <translation>놓은 파일을 분류합니다 (예측 탭에 놓으면 분류하고, 다른 탭에 폴더를 놓으면 데이터셋으로 엽니다).</translation>
        </message>
        <message>
            <source>Opening {name} as a dataset (drop images, or drop on the Predict tab, to classify them).</source>
            <translation>{name}을(를) 데이터셋으로 엽니다 (분류하려면 이미지를 놓거나 예측 탭에 놓으세요).</translation>
        </message>
        <message>
            <source>Only the first folder is opened.</source>
            <translation>첫 번째 폴더만 엽니다.</translation>
        </message>
        <message numerus="yes">
            <source>Classifying %n image(s) in the Predict tab.</source>
            <translation>
                <numerusform>예측 탭에서 이미지 %n개를 분류합니다.</numerusform>
            </translation>
        </message>
        <message>
            <source>Nothing to open: drop a dataset folder, or image files to classify them.</source>
            <translation>열 것이 없습니다. 데이터셋 폴더를 놓거나, 분류할 이미지 파일을 놓으세요.</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>Export for a server</source>
            <translation>서버용으로 내보내기</translation>
        </message>
        <message>
            <source>&lt;b&gt;Exporting:&lt;/b&gt; {source}</source>
            <translation>&lt;b&gt;내보낼 대상:&lt;/b&gt; {source}</translation>
        </message>
        <message>
            <source>the current Model and Train settings</source>
            <translation>현재 모델·학습 설정</translation>
        </message>
        <message>
            <source>Copy the dataset to the server, save this config next to it (edit data.root to the server's path), then run the command there.</source>
            <translation>데이터셋을 서버에 복사하고, 이 설정 파일을 그 옆에 저장한 뒤 (data.root를 서버의 경로로 고치세요) 서버에서 명령을 실행하세요.</translation>
        </message>
        <message>
            <source>Config file name on the server</source>
            <translation>서버에서 쓸 설정 파일 이름</translation>
        </message>
        <message>
            <source>GPUs per node</source>
            <translation>노드당 GPU 수</translation>
        </message>
        <message>
            <source>Nodes</source>
            <translation>노드 수</translation>
        </message>
        <message>
            <source>Rendezvous host:port (several nodes)</source>
            <translation>랑데부 host:port (여러 노드일 때)</translation>
        </message>
        <message>
            <source>host:port of one of the nodes, reachable from the others; used only with several nodes.</source>
            <translation>다른 노드에서 접속할 수 있는 노드 하나의 host:port. 노드가 여러 개일 때만 씁니다.</translation>
        </message>
        <message>
            <source>Config file</source>
            <translation>설정 파일</translation>
        </message>
        <message>
            <source>Rendezvous</source>
            <translation>랑데부 (rendezvous)</translation>
        </message>
        <message>
            <source>torchrun command</source>
            <translation>torchrun 명령</translation>
        </message>
        <message>
            <source>Config JSON</source>
            <translation>설정 JSON</translation>
        </message>
        <message>
            <source>Copy command</source>
            <translation>명령 복사</translation>
        </message>
        <message>
            <source>Save config…</source>
            <translation>설정 저장…</translation>
        </message>
        <message>
            <source>Save config</source>
            <translation>설정 저장</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
    </context>
    <context>
        <name>FiltersPanel</name>
        <message>
            <source>Filter normalisation</source>
            <translation>필터 정규화</translation>
        </message>
        <message>
            <source>Shared scale (compare filters)</source>
            <translation>공통 척도 (필터끼리 비교)</translation>
        </message>
        <message>
            <source>Per filter (see every shape)</source>
            <translation>필터마다 (모든 모양 보기)</translation>
        </message>
        <message>
            <source>Input channel shown</source>
            <translation>표시할 입력 채널</translation>
        </message>
        <message>
            <source>mean of inputs</source>
            <translation>입력 채널 평균</translation>
        </message>
        <message>
            <source>Filter zoom</source>
            <translation>필터 확대</translation>
        </message>
        <message>
            <source>Follow training (refresh every epoch)</source>
            <translation>학습 따라가기 (에폭마다 새로 고침)</translation>
        </message>
        <message>
            <source>Follow training</source>
            <translation>학습 따라가기</translation>
        </message>
        <message>
            <source>Normalisation</source>
            <translation>정규화</translation>
        </message>
        <message>
            <source>Input channel</source>
            <translation>입력 채널</translation>
        </message>
        <message>
            <source>Zoom</source>
            <translation>확대</translation>
        </message>
        <message>
            <source>Filter grid</source>
            <translation>필터 격자</translation>
        </message>
        <message>
            <source>colour patches (R, G, B inputs)</source>
            <translation>색 패치 (R, G, B 입력)</translation>
        </message>
        <message>
            <source>input channel {0}</source>
            <translation>입력 채널 {0}</translation>
        </message>
        <message numerus="yes">
            <source>mean over %n input channel(s)</source>
            <translation>
                <numerusform>입력 채널 %n개의 평균</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n filter(s)</source>
            <translation>
                <numerusform>필터 %n개</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}: {1} of {2}x{3}, {4}; grey = 0, bright = positive, dark = negative.</source>
            <translation>{0}: {2}x{3} 필터 {1}, {4}. 회색 = 0, 밝음 = 양수, 어두움 = 음수.</translation>
        </message>
    </context>
    <context>
        <name>FinishedExperiments</name>
        <message>
            <source>Finished experiments</source>
            <translation>끝난 실험</translation>
        </message>
        <message>
            <source>Experiment</source>
            <translation>실험</translation>
        </message>
        <message>
            <source>Budget</source>
            <translation>예산</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>결과</translation>
        </message>
    </context>
    <context>
        <name>FolderEvaluationPanel</name>
        <message>
            <source>Confusion matrix of the dropped folder</source>
            <translation>끌어다 놓은 폴더의 혼동 행렬</translation>
        </message>
        <message>
            <source>{folder} has class sub-folders, but none of their images could be read.</source>
            <translation>{folder}에 클래스 하위 폴더가 있지만, 그 안의 이미지를 하나도 읽지 못했습니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Accuracy on {folder}: {acc:.1%}&lt;/b&gt; ({correct} of {count} images in class sub-folders are predicted as their folder's class).</source>
            <translation>&lt;b&gt;{folder}에서의 정확도: {acc:.1%}&lt;/b&gt; (클래스 하위 폴더의 이미지 {count}장 중 {correct}장을 그 폴더의 클래스로 예측했습니다).</translation>
        </message>
        <message>
            <source>{n} images in class sub-folders could not be read.</source>
            <translation>클래스 하위 폴더의 이미지 {n}장을 읽지 못했습니다.</translation>
        </message>
        <message>
            <source>{n} images outside the class sub-folders are not counted.</source>
            <translation>클래스 하위 폴더 밖의 이미지 {n}장은 세지 않았습니다.</translation>
        </message>
    </context>
    <context>
        <name>GradcamPanel</name>
        <message>
            <source>Class to explain</source>
            <translation>설명할 클래스</translation>
        </message>
        <message>
            <source>Grad-CAM layer</source>
            <translation>Grad-CAM 층</translation>
        </message>
        <message>
            <source>Automatic (the last map of at least 7x7)</source>
            <translation>자동 (7x7 이상인 마지막 맵)</translation>
        </message>
        <message>
            <source>The layer selected in the tree</source>
            <translation>트리에서 선택한 층</translation>
        </message>
        <message>
            <source>Heatmap opacity</source>
            <translation>히트맵 불투명도</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>클래스</translation>
        </message>
        <message>
            <source>Layer</source>
            <translation>층</translation>
        </message>
        <message>
            <source>Opacity</source>
            <translation>불투명도</translation>
        </message>
        <message>
            <source>The predicted class</source>
            <translation>예측 클래스</translation>
        </message>
        <message>
            <source>Evidence for '{0}' (probability {1:.1%}) at layer {2}; the model predicts '{3}'.</source>
            <translation>층 {2}에서 본 '{0}'의 근거 (확률 {1:.1%}). 모델의 예측은 '{3}'입니다.</translation>
        </message>
        <message>
            <source>The map is empty: nothing at this layer speaks for this class.</source>
            <translation>맵이 비어 있습니다: 이 층에는 이 클래스를 뒷받침하는 근거가 없습니다.</translation>
        </message>
        <message>
            <source>This layer's map is only {h}x{w} at this input size (under {n}x{n}), so the heatmap is coarse; pick an earlier layer or train at a larger input size.</source>
            <translation>이 입력 크기에서 이 층의 맵은 {h}x{w}밖에 안 되어 ({n}x{n} 미만) 히트맵이 거칩니다. 더 앞쪽 층을 고르거나 더 큰 입력 크기로 학습하세요.</translation>
        </message>
    </context>
    <context>
        <name>InspectView</name>
        <message>
            <source>Model: loading {0}…</source>
            <translation>모델: {0} 불러오는 중…</translation>
        </message>
        <message>
            <source>the ImageNet EfficientNet-Lite0</source>
            <translation>ImageNet EfficientNet-Lite0</translation>
        </message>
        <message>
            <source>Model: none yet.</source>
            <translation>모델: 아직 없음.</translation>
        </message>
        <message>
            <source>Open checkpoint…</source>
            <translation>체크포인트 열기…</translation>
        </message>
        <message>
            <source>Open a checkpoint to inspect</source>
            <translation>살펴볼 체크포인트 열기</translation>
        </message>
        <message>
            <source>ImageNet model</source>
            <translation>ImageNet 모델</translation>
        </message>
        <message>
            <source>Inspect the bundled ImageNet EfficientNet-Lite0</source>
            <translation>내장된 ImageNet EfficientNet-Lite0 살펴보기</translation>
        </message>
        <message>
            <source>Model layers</source>
            <translation>모델의 층</translation>
        </message>
        <message>
            <source>Layer</source>
            <translation>층</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>유형</translation>
        </message>
        <message>
            <source>Output</source>
            <translation>출력</translation>
        </message>
        <message>
            <source>Open image…</source>
            <translation>이미지 열기…</translation>
        </message>
        <message>
            <source>Choose an image file to inspect</source>
            <translation>살펴볼 이미지 파일 고르기</translation>
        </message>
        <message>
            <source>Image: none (open one, pick one below, or drop one here)</source>
            <translation>이미지: 없음 (열거나, 아래에서 고르거나, 여기에 끌어다 놓으세요)</translation>
        </message>
        <message>
            <source>Dataset images</source>
            <translation>데이터셋 이미지</translation>
        </message>
        <message>
            <source>Inspect pictures</source>
            <translation>살펴보기 그림 탭</translation>
        </message>
        <message>
            <source>Activations</source>
            <translation>활성화 맵</translation>
        </message>
        <message>
            <source>Filters</source>
            <translation>필터</translation>
        </message>
        <message>
            <source>Grad-CAM</source>
            <translation>Grad-CAM</translation>
        </message>
        <message>
            <source>No model yet: train a run, pick one in Runs, or Open checkpoint… — or use the bundled ImageNet model.</source>
            <translation>아직 모델이 없습니다. 학습을 실행하거나, 실행 목록에서 고르거나, 체크포인트 열기…를 누르세요. 내장된 ImageNet 모델을 써도 됩니다.</translation>
        </message>
        <message>
            <source>Use the ImageNet model</source>
            <translation>ImageNet 모델 사용</translation>
        </message>
        <message>
            <source>Inspect with the bundled ImageNet EfficientNet-Lite0</source>
            <translation>내장된 ImageNet EfficientNet-Lite0으로 살펴보기</translation>
        </message>
        <message>
            <source>Model: {0} ({1}, {2}, input {3} px)</source>
            <translation>모델: {0} ({1}, {2}, 입력 {3} px)</translation>
        </message>
        <message numerus="yes">
            <source>%n class(es)</source>
            <translation>
                <numerusform>클래스 %n개</numerusform>
            </translation>
        </message>
        <message>
            <source>Image: {0}</source>
            <translation>이미지: {0}</translation>
        </message>
        <message>
            <source>{0} at epoch {1}</source>
            <translation>에폭 {1}의 {0}</translation>
        </message>
        <message>
            <source>Load a model to see its filters.</source>
            <translation>필터를 보려면 모델을 불러오세요.</translation>
        </message>
        <message>
            <source>'{0}' is not a convolution and contains none; pick a Conv2d layer in the tree to see its filters.</source>
            <translation>'{0}'은(는) 합성곱 층이 아니고 합성곱 층을 포함하지도 않습니다. 필터를 보려면 트리에서 Conv2d 층을 고르세요.</translation>
        </message>
        <message>
            <source>the model</source>
            <translation>모델</translation>
        </message>
        <message>
            <source>{0} (the first convolution in {1})</source>
            <translation>{0} ({1}의 첫 번째 합성곱)</translation>
        </message>
        <message>
            <source>Computing {0}…</source>
            <translation>{0} 계산 중…</translation>
        </message>
        <message>
            <source>the model output</source>
            <translation>모델 출력</translation>
        </message>
        <message>
            <source>This layer is not used by the forward pass.</source>
            <translation>이 층은 순전파 (forward pass)에 쓰이지 않습니다.</translation>
        </message>
        <message>
            <source>Computing Grad-CAM…</source>
            <translation>Grad-CAM 계산 중…</translation>
        </message>
        <message>
            <source>{0}: {1:.0f} ms</source>
            <translation>{0}: {1:.0f} ms</translation>
        </message>
        <message>
            <source>{0} failed: {1}</source>
            <translation>{0} 실패: {1}</translation>
        </message>
        <message>
            <source>Open checkpoint</source>
            <translation>체크포인트 열기</translation>
        </message>
        <message>
            <source>Checkpoints (*.pt *.pth);;All files (*)</source>
            <translation>체크포인트 (*.pt *.pth);;모든 파일 (*)</translation>
        </message>
        <message>
            <source>Open image</source>
            <translation>이미지 열기</translation>
        </message>
        <message>
            <source>Images ({0})</source>
            <translation>이미지 ({0})</translation>
        </message>
    </context>
    <context>
        <name>LabCurves</name>
        <message>
            <source>Error per run: training (thin), held-out (bold)</source>
            <translation>실행별 오차: 학습(가는 선), 검증(굵은 선)</translation>
        </message>
        <message>
            <source>error (%)</source>
            <translation>오차 (%)</translation>
        </message>
        <message>
            <source>epoch</source>
            <translation>에폭</translation>
        </message>
    </context>
    <context>
        <name>LabResult</name>
        <message>
            <source>The experiment was stopped before all its runs finished. </source>
            <translation>모든 실행이 끝나기 전에 실험이 멈췄습니다. </translation>
        </message>
        <message>
            <source>&lt;b&gt;Claim:&lt;/b&gt; {claim}&lt;br&gt;&lt;b&gt;Result: &lt;span style='color:{colour}'&gt;{word}&lt;/span&gt;&lt;/b&gt; {status}{summary}</source>
            <translation>&lt;b&gt;주장:&lt;/b&gt; {claim}&lt;br&gt;&lt;b&gt;결과: &lt;span style='color:{colour}'&gt;{word}&lt;/span&gt;&lt;/b&gt; {status}{summary}</translation>
        </message>
        <message>
            <source>This experiment has no verdict yet: continue it to finish its runs.</source>
            <translation>이 실험에는 아직 판정이 없습니다. 이어서 실행해 남은 실행을 끝내세요.</translation>
        </message>
        <message>
            <source>No figure yet.</source>
            <translation>아직 그림이 없습니다.</translation>
        </message>
        <message>
            <source>The verdict (the lecture's claim, and whether these runs show it) and the experiment's figure appear here when the queue has finished.</source>
            <translation>대기열이 끝나면 판정(강의의 주장과 이 실행들이 그것을 보여 주는지)과 실험 그림이 여기에 나타납니다.</translation>
        </message>
    </context>
    <context>
        <name>LabView</name>
        <message>
            <source>&lt;b&gt;Experiments&lt;/b&gt;</source>
            <translation>&lt;b&gt;실험&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Experiments</source>
            <translation>실험</translation>
        </message>
        <message>
            <source>&lt;b&gt;Finished experiments&lt;/b&gt;</source>
            <translation>&lt;b&gt;끝난 실험&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Dataset folder of the experiment</source>
            <translation>실험의 데이터셋 폴더</translation>
        </message>
        <message>
            <source>Open a dataset, or choose a folder of class folders</source>
            <translation>데이터셋을 열거나 클래스 폴더들이 든 폴더를 고르세요</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>고르기…</translation>
        </message>
        <message>
            <source>Choose the dataset folder</source>
            <translation>데이터셋 폴더 고르기</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>데이터셋</translation>
        </message>
        <message>
            <source>Budget</source>
            <translation>예산</translation>
        </message>
        <message>
            <source>Estimate</source>
            <translation>예상 시간</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>시작</translation>
        </message>
        <message>
            <source>Start the experiment</source>
            <translation>실험 시작</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>일시 정지</translation>
        </message>
        <message>
            <source>Pause or resume the queue</source>
            <translation>대기열 일시 정지 또는 재개</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>멈춤</translation>
        </message>
        <message>
            <source>Stop the queue (the current run is kept)</source>
            <translation>대기열 멈춤 (현재 실행은 보존됨)</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>이어서 실행</translation>
        </message>
        <message>
            <source>Continue the selected stopped experiment</source>
            <translation>선택한 멈춘 실험을 이어서 실행</translation>
        </message>
        <message>
            <source>Open experiment folder</source>
            <translation>실험 폴더 열기</translation>
        </message>
        <message>
            <source>Open the experiment folder</source>
            <translation>실험 폴더 열기</translation>
        </message>
        <message>
            <source>&lt;b&gt;{title}&lt;/b&gt;&lt;br&gt;{idea}&lt;br&gt;&lt;i&gt;Reproduces:&lt;/i&gt; {figure}&lt;br&gt;&lt;i&gt;Claim:&lt;/i&gt; {claim}</source>
            <translation>&lt;b&gt;{title}&lt;/b&gt;&lt;br&gt;{idea}&lt;br&gt;&lt;i&gt;재현하는 그림:&lt;/i&gt; {figure}&lt;br&gt;&lt;i&gt;주장:&lt;/i&gt; {claim}</translation>
        </message>
        <message>
            <source>Choose a dataset folder to see the plan and its time estimate.</source>
            <translation>데이터셋 폴더를 고르면 계획과 예상 시간이 보입니다.</translation>
        </message>
        <message>
            <source>Estimating…</source>
            <translation>예상 시간 계산 중…</translation>
        </message>
        <message>
            <source>Opening the dataset…</source>
            <translation>데이터셋 여는 중…</translation>
        </message>
        <message>
            <source>Paused; press Resume to continue.</source>
            <translation>일시 정지됨. 계속하려면 이어서 학습을 누르세요.</translation>
        </message>
        <message>
            <source>Running…</source>
            <translation>실행 중…</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>이어서 학습</translation>
        </message>
        <message>
            <source>Stopping… (the current run saves its last checkpoint)</source>
            <translation>멈추는 중… (현재 실행이 마지막 체크포인트를 저장합니다)</translation>
        </message>
        <message>
            <source>Planned {n} runs in {folder}.</source>
            <translation>{folder}에 실행 {n}개를 계획했습니다.</translation>
        </message>
        <message>
            <source>%p% · about {h}:{m:02d}:{s:02d} left</source>
            <translation>%p% · 약 {h}:{m:02d}:{s:02d} 남음</translation>
        </message>
        <message>
            <source>Run {i} of {n} ({run}): epoch {e} of {epochs}.</source>
            <translation>실행 {i}/{n} ({run}): 에폭 {e}/{epochs}.</translation>
        </message>
        <message>
            <source>Run {i} of {n} ({run}) started.</source>
            <translation>실행 {i}/{n} ({run}) 시작.</translation>
        </message>
        <message>
            <source>Run {run} failed: {message}</source>
            <translation>실행 {run} 실패: {message}</translation>
        </message>
        <message>
            <source>The experiment finished in {h}:{m:02d}:{s:02d}.</source>
            <translation>실험이 {h}:{m:02d}:{s:02d}만에 끝났습니다.</translation>
        </message>
        <message>
            <source>The experiment stopped after {h}:{m:02d}:{s:02d}; select it and press Continue to finish it.</source>
            <translation>실험이 {h}:{m:02d}:{s:02d} 후에 멈췄습니다. 끝내려면 실험을 선택하고 이어서 실행을 누르세요.</translation>
        </message>
        <message>
            <source>The experiment was stopped; select it and press Continue to finish it.</source>
            <translation>실험이 멈췄습니다. 끝내려면 실험을 선택하고 이어서 실행을 누르세요.</translation>
        </message>
    </context>
    <context>
        <name>LanguageMenu</name>
        <message>
            <source>&amp;Language</source>
            <extracomment>the languages the interface can be shown in, besides following the system what the settings and the menu can hold Hangul-capable families, best first (Linux, Windows, macOS); any other Korean family is the fallback the translation context of texts that core/ defines (it cannot call tr()) and the GUI shows</extracomment>
            <translation>언어(&amp;L)</translation>
        </message>
        <message>
            <source>System</source>
            <translation>시스템 설정</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>언어</translation>
        </message>
        <message>
            <source>The language changes when CNN Studio is restarted.</source>
            <translation>CNN Studio를 다시 시작하면 언어가 바뀝니다.</translation>
        </message>
    </context>
    <context>
        <name>LayerTree</name>
        <message>
            <source>&lt;b&gt;Layers&lt;/b&gt; — checked layers train, unchecked layers are frozen</source>
            <translation>&lt;b&gt;층&lt;/b&gt; — 체크한 층은 학습하고, 체크하지 않은 층은 동결 (freeze)합니다</translation>
        </message>
        <message>
            <source>Layer tree</source>
            <translation>층 트리</translation>
        </message>
        <message>
            <source>Module</source>
            <translation>모듈</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>유형</translation>
        </message>
        <message>
            <source>Output shape</source>
            <translation>출력 모양</translation>
        </message>
        <message>
            <source>Keras name</source>
            <translation>Keras 이름</translation>
        </message>
        <message>
            <source>Parameters</source>
            <translation>파라미터</translation>
        </message>
        <message>
            <source>{path} (Keras: {keras})</source>
            <translation>{path} (Keras: {keras})</translation>
        </message>
        <message>
            <source>Train from {keras} ({path}) on</source>
            <translation>{keras} ({path})부터 학습</translation>
        </message>
        <message>
            <source>Train from {path} on</source>
            <translation>{path}부터 학습</translation>
        </message>
        <message>
            <source>Trainable: &lt;b&gt;{t}&lt;/b&gt; · Frozen: &lt;b&gt;{f}&lt;/b&gt; · preset: {p}</source>
            <translation>학습 가능: &lt;b&gt;{t}&lt;/b&gt; · 동결: &lt;b&gt;{f}&lt;/b&gt; · 프리셋: {p}</translation>
        </message>
    </context>
    <context>
        <name>LrOptions</name>
        <message>
            <source>BatchNorm policy</source>
            <translation>배치 정규화 (BatchNorm) 방식</translation>
        </message>
        <message>
            <source>Freeze statistics in frozen layers</source>
            <translation>동결한 층의 통계량도 동결</translation>
        </message>
        <message>
            <source>Keep updating statistics</source>
            <translation>통계량 계속 갱신</translation>
        </message>
        <message>
            <source>Frozen BatchNorm layers run in eval mode so ImageNet statistics stay put.</source>
            <translation>동결한 배치 정규화 층은 eval 모드로 실행되어 ImageNet 통계량이 그대로 유지됩니다.</translation>
        </message>
        <message>
            <source>Backbone learning-rate multiplier</source>
            <translation>백본 학습률 배수</translation>
        </message>
        <message>
            <source>Pretrained layers learn at this fraction of the head's rate.</source>
            <translation>사전 학습된 층은 헤드 학습률에 이 값을 곱한 학습률로 학습합니다.</translation>
        </message>
        <message>
            <source>BatchNorm</source>
            <translation>배치 정규화</translation>
        </message>
        <message>
            <source>Backbone lr ×</source>
            <translation>백본 학습률 ×</translation>
        </message>
        <message>
            <source>Learning-rate multipliers per module</source>
            <translation>모듈별 학습률 배수</translation>
        </message>
        <message>
            <source>Module</source>
            <translation>모듈</translation>
        </message>
        <message>
            <source>lr ×</source>
            <translation>학습률 ×</translation>
        </message>
        <message>
            <source>Add selected layer</source>
            <translation>선택한 층 추가</translation>
        </message>
        <message>
            <source>Add a learning-rate multiplier for the selected layer</source>
            <translation>선택한 층에 학습률 배수 추가</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>제거</translation>
        </message>
        <message>
            <source>Remove the selected multiplier</source>
            <translation>선택한 배수 제거</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>CNN Studio</source>
            <translation>CNN Studio</translation>
        </message>
        <message>
            <source>Views</source>
            <translation>화면</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>실행 목록</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>결과</translation>
        </message>
        <message>
            <source>Inspect</source>
            <translation>살펴보기</translation>
        </message>
        <message>
            <source>Predict</source>
            <translation>예측</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>준비됨</translation>
        </message>
        <message>
            <source>Opening dataset…</source>
            <translation>데이터셋 여는 중…</translation>
        </message>
        <message>
            <source>CPU ({n} threads)</source>
            <translation>CPU (스레드 {n}개)</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>데이터셋</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>모델</translation>
        </message>
        <message>
            <source>Train</source>
            <translation>학습</translation>
        </message>
        <message>
            <source>Lab</source>
            <translation>실험실</translation>
        </message>
        <message>
            <source>{number} {title}</source>
            <translation>{number} {title}</translation>
        </message>
        <message>
            <source>Show the {title} view (Ctrl+{number}).</source>
            <translation>{title} 화면을 엽니다 (Ctrl+{number}).</translation>
        </message>
        <message>
            <source>{name} — CNN Studio</source>
            <translation>{name} — CNN Studio</translation>
        </message>
        <message>
            <source>Select one run in the Runs view to export its model.</source>
            <translation>모델을 내보내려면 실행 목록에서 실행 하나를 고르세요.</translation>
        </message>
        <message>
            <source>Open a dataset first (Ctrl+O, or drop a folder on the window).</source>
            <translation>먼저 데이터셋을 여세요 (Ctrl+O, 또는 창에 폴더를 끌어다 놓기).</translation>
        </message>
        <message>
            <source>Pick a model in the Model view.</source>
            <translation>모델 화면에서 모델을 고르세요.</translation>
        </message>
        <message>
            <source>Training…</source>
            <translation>학습 중…</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>일시 정지됨</translation>
        </message>
        <message>
            <source>Stopping… (saving the last checkpoint)</source>
            <translation>멈추는 중… (마지막 체크포인트 저장 중)</translation>
        </message>
        <message>
            <source>Experiment in progress</source>
            <translation>실험 진행 중</translation>
        </message>
        <message>
            <source>A lab experiment is running. Stop it (the current run keeps its last checkpoint, so Continue can finish it later) and close?</source>
            <translation>실험실 실험이 실행 중입니다. 멈추고 닫을까요? (현재 실행은 마지막 체크포인트를 보존하므로 나중에 이어서 실행으로 끝낼 수 있습니다)</translation>
        </message>
        <message>
            <source>Training in progress</source>
            <translation>학습 진행 중</translation>
        </message>
        <message>
            <source>A run is training. Stop it (the last checkpoint is kept) and close?</source>
            <translation>학습이 진행 중입니다. 멈추고 (마지막 체크포인트는 남습니다) 닫을까요?</translation>
        </message>
    </context>
    <context>
        <name>ModelCaptions</name>
        <message>
            <source>{file} of the run {run}</source>
            <translation>실행 {run}의 {file}</translation>
        </message>
        <message>
            <source>Drop one image, several, or a folder here to classify them with {model} (loading…).</source>
            <translation>이미지 한 장, 여러 장, 또는 폴더를 여기에 끌어다 놓으면 {model}(으)로 분류합니다 (불러오는 중…).</translation>
        </message>
        <message>
            <source>Drop one image, several, or a folder here to classify them.
Out of the box the bundled ImageNet model names 1000 everyday things.</source>
            <translation>이미지 한 장, 여러 장, 또는 폴더를 여기에 끌어다 놓으면 분류합니다.
기본으로 들어 있는 ImageNet 모델은 일상 사물 1000가지를 구별합니다.</translation>
        </message>
        <message numerus="yes">
            <source>%n class(es)</source>
            <translation>
                <numerusform>클래스 %n개</numerusform>
            </translation>
        </message>
        <message>
            <source>Drop one image, several, or a folder here to classify them with {model}
({arch}, {classes}: {names}).
A folder with one sub-folder per class also gets its accuracy and confusion matrix.</source>
            <translation>이미지 한 장, 여러 장, 또는 폴더를 여기에 끌어다 놓으면 {model}(으)로 분류합니다
({arch}, {classes}: {names}).
클래스마다 하위 폴더가 있는 폴더는 정확도와 혼동 행렬도 보여 줍니다.</translation>
        </message>
        <message>
            <source>Model: the bundled ImageNet EfficientNet-Lite0 (1000 classes)</source>
            <translation>모델: 내장된 ImageNet EfficientNet-Lite0 (클래스 1000개)</translation>
        </message>
        <message>
            <source>Model: {model} ({arch}, {classes})</source>
            <translation>모델: {model} ({arch}, {classes})</translation>
        </message>
    </context>
    <context>
        <name>ModelExportDialog</name>
        <message>
            <source>Export model</source>
            <translation>모델 내보내기</translation>
        </message>
        <message>
            <source>Export the model of the run &lt;b&gt;{name}&lt;/b&gt; for deployment. The file takes the normalised image as input; the class names, input size and normalisation are stored in it.</source>
            <translation>실행 &lt;b&gt;{name}&lt;/b&gt;의 모델을 배포용으로 내보냅니다. 이 파일은 정규화한 이미지를 입력으로 받으며, 클래스 이름, 입력 크기, 정규화 값이 파일 안에 저장됩니다.</translation>
        </message>
        <message>
            <source>Checkpoint to export</source>
            <translation>내보낼 체크포인트</translation>
        </message>
        <message>
            <source>best.pt (best held-out accuracy)</source>
            <translation>best.pt (검증 정확도가 가장 높은 것)</translation>
        </message>
        <message>
            <source>last.pt (the last epoch)</source>
            <translation>last.pt (마지막 에폭)</translation>
        </message>
        <message>
            <source>Export format</source>
            <translation>내보내기 형식</translation>
        </message>
        <message>
            <source>ONNX (.onnx): ONNX Runtime, OpenCV, TensorRT</source>
            <translation>ONNX (.onnx): ONNX Runtime, OpenCV, TensorRT</translation>
        </message>
        <message>
            <source>TorchScript (.pt): PyTorch and LibTorch without Python</source>
            <translation>TorchScript (.pt): 파이썬 없이 PyTorch와 LibTorch에서</translation>
        </message>
        <message>
            <source>File to write</source>
            <translation>저장할 파일</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>찾아보기…</translation>
        </message>
        <message>
            <source>Choose the file to write</source>
            <translation>저장할 파일 고르기</translation>
        </message>
        <message>
            <source>Checkpoint</source>
            <translation>체크포인트</translation>
        </message>
        <message>
            <source>Format</source>
            <translation>형식</translation>
        </message>
        <message>
            <source>File</source>
            <translation>파일</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>내보내기</translation>
        </message>
        <message>
            <source>This run has no checkpoint yet, so there is no model to export.</source>
            <translation>이 실행에는 아직 체크포인트가 없어서 내보낼 모델이 없습니다.</translation>
        </message>
        <message>
            <source>ONNX (*.onnx)</source>
            <translation>ONNX (*.onnx)</translation>
        </message>
        <message>
            <source>TorchScript (*.pt)</source>
            <translation>TorchScript (*.pt)</translation>
        </message>
        <message>
            <source>Exporting and checking the file against PyTorch…</source>
            <translation>내보내고 PyTorch 결과와 비교하는 중…</translation>
        </message>
        <message>
            <source>Wrote {path} ({n} classes); its outputs differ from PyTorch's by at most {diff:.1e}.</source>
            <translation>{path}에 저장했습니다 (클래스 {n}개). 출력은 PyTorch와 최대 {diff:.1e}만큼 다릅니다.</translation>
        </message>
        <message>
            <source>The export failed: {error}</source>
            <translation>내보내기에 실패했습니다: {error}</translation>
        </message>
    </context>
    <context>
        <name>ModelOptions</name>
        <message>
            <source>Model options</source>
            <translation>모델 옵션</translation>
        </message>
        <message>
            <source>Model option {title}</source>
            <translation>모델 옵션 {title}</translation>
        </message>
        <message>
            <source>On</source>
            <translation>켜기</translation>
        </message>
        <message>
            <source>on</source>
            <translation>켜짐</translation>
        </message>
        <message>
            <source>off</source>
            <translation>꺼짐</translation>
        </message>
        <message>
            <source>{title}: {value}</source>
            <translation>{title}: {value}</translation>
        </message>
    </context>
    <context>
        <name>ModelView</name>
        <message>
            <source>Basics</source>
            <translation>기본</translation>
        </message>
        <message>
            <source>ResNet for CIFAR</source>
            <translation>CIFAR용 ResNet</translation>
        </message>
        <message>
            <source>Plain nets (no shortcuts)</source>
            <translation>평범한 망 (plain net, 지름길 연결 없음)</translation>
        </message>
        <message>
            <source>Transfer learning backbones</source>
            <translation>전이학습 (transfer learning) 백본</translation>
        </message>
        <message>
            <source>&lt;b&gt;Model&lt;/b&gt;</source>
            <extracomment>any setting this view puts in the config changed (model, weights, freezing, BatchNorm, lr multipliers) a cell of the transfer-learning guide was chosen (a core.models.transfer.TransferStrategy)</extracomment>
            <translation>&lt;b&gt;모델&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Model picker</source>
            <translation>모델 선택</translation>
        </message>
        <message>
            <source>Note: the starting weights are random, so freezing layers only limits what the network can learn. Freeze presets are meant for pretrained weights; use Full fine-tune to train from scratch.</source>
            <translation>참고: 시작 가중치가 무작위이므로 층을 동결하면 신경망이 배울 수 있는 것만 줄어듭니다. 동결 프리셋은 사전 학습된 가중치용입니다. 처음부터 학습하려면 전체 미세 조정을 쓰세요.</translation>
        </message>
        <message>
            <source>Training input {size}×{size} px (designed for {design} px)</source>
            <translation>학습 입력 {size}×{size} px (설계 크기 {design} px)</translation>
        </message>
        <message>
            <source>Input {size}×{size} px; open a dataset to see the size training will use</source>
            <translation>입력 {size}×{size} px. 학습에 쓸 크기를 보려면 데이터셋을 여세요</translation>
        </message>
        <message>
            <source>&lt;b&gt;{title}&lt;/b&gt;&lt;br&gt;{description}&lt;br&gt;{size} · pretrained weights: {pre}&lt;br&gt;&lt;i&gt;{n} parameters for {k} classes&lt;/i&gt;</source>
            <translation>&lt;b&gt;{title}&lt;/b&gt;&lt;br&gt;{description}&lt;br&gt;{size} · 사전 학습 가중치: {pre}&lt;br&gt;&lt;i&gt;클래스 {k}개에 파라미터 {n}개&lt;/i&gt;</translation>
        </message>
        <message>
            <source>&lt;br&gt;Options: {options}</source>
            <translation>&lt;br&gt;옵션: {options}</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>있음</translation>
        </message>
        <message>
            <source>no</source>
            <translation>없음</translation>
        </message>
        <message>
            <source>Select a layer in the tree first, then press 'Train from selected layer'.</source>
            <translation>먼저 트리에서 층을 고른 뒤 '선택한 층부터 학습'을 누르세요.</translation>
        </message>
        <message>
            <source>custom</source>
            <translation>사용자 지정</translation>
        </message>
    </context>
    <context>
        <name>PlanEstimate</name>
        <message>
            <source>about {h} h {m} min</source>
            <translation>약 {h}시간 {m}분</translation>
        </message>
        <message>
            <source>about {m} min</source>
            <translation>약 {m}분</translation>
        </message>
        <message>
            <source>about {s} s</source>
            <translation>약 {s}초</translation>
        </message>
        <message>
            <source>{time} for {n} runs on {train} training and {held} held-out images ({size} px, {classes} classes) on this computer.</source>
            <translation>이 컴퓨터에서 {time}: 실행 {n}개, 학습 이미지 {train}개와 검증 이미지 {held}개 ({size} px, 클래스 {classes}개).</translation>
        </message>
    </context>
    <context>
        <name>PredictView</name>
        <message>
            <source>No image files were found in what was dropped.</source>
            <translation>놓은 항목에서 이미지 파일을 찾지 못했습니다.</translation>
        </message>
        <message>
            <source>Model: the bundled ImageNet EfficientNet-Lite0</source>
            <translation>모델: 내장된 ImageNet EfficientNet-Lite0</translation>
        </message>
        <message>
            <source>Open checkpoint…</source>
            <translation>체크포인트 열기…</translation>
        </message>
        <message>
            <source>Open a checkpoint to predict with</source>
            <translation>예측에 쓸 체크포인트 열기</translation>
        </message>
        <message>
            <source>ImageNet model</source>
            <translation>ImageNet 모델</translation>
        </message>
        <message>
            <source>Use the bundled ImageNet EfficientNet-Lite0</source>
            <translation>내장된 ImageNet EfficientNet-Lite0 사용</translation>
        </message>
        <message>
            <source>Open images…</source>
            <translation>이미지 열기…</translation>
        </message>
        <message>
            <source>Choose image files to classify</source>
            <translation>분류할 이미지 파일 고르기</translation>
        </message>
        <message>
            <source>Open folder…</source>
            <translation>폴더 열기…</translation>
        </message>
        <message>
            <source>Choose a folder of images to classify</source>
            <translation>분류할 이미지 폴더 고르기</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>CSV로 내보내기…</translation>
        </message>
        <message>
            <source>Save the predictions table as CSV</source>
            <translation>예측 표를 CSV로 저장</translation>
        </message>
        <message>
            <source>Drop images or a folder anywhere here.</source>
            <translation>이미지나 폴더를 이 화면 아무 곳에나 끌어다 놓으세요.</translation>
        </message>
        <message>
            <source>Classification progress</source>
            <translation>분류 진행률</translation>
        </message>
        <message>
            <source>Predictions table</source>
            <translation>예측 표</translation>
        </message>
        <message>
            <source>File</source>
            <translation>파일</translation>
        </message>
        <message>
            <source>Prediction</source>
            <translation>예측</translation>
        </message>
        <message>
            <source>Confidence</source>
            <translation>신뢰도</translation>
        </message>
        <message>
            <source>Predictions per image</source>
            <translation>이미지별 예측</translation>
        </message>
        <message>
            <source>Model: loading {model}…</source>
            <translation>모델: {model} 불러오는 중…</translation>
        </message>
        <message>
            <source>the bundled ImageNet EfficientNet-Lite0</source>
            <translation>내장된 ImageNet EfficientNet-Lite0</translation>
        </message>
        <message>
            <source>The model could not be loaded: {0}</source>
            <translation>모델을 불러올 수 없습니다: {0}</translation>
        </message>
        <message>
            <source>Model: none</source>
            <translation>모델: 없음</translation>
        </message>
        <message>
            <source>Loading the model…</source>
            <translation>모델 불러오는 중…</translation>
        </message>
        <message numerus="yes">
            <source>Classifying %n file(s)…</source>
            <translation>
                <numerusform>파일 %n개 분류 중…</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n file(s) classified, {0} could not be read.</source>
            <translation>
                <numerusform>파일 %n개를 분류했고, {0}개는 읽을 수 없었습니다.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n file(s) classified.</source>
            <translation>
                <numerusform>파일 %n개를 분류했습니다.</numerusform>
            </translation>
        </message>
        <message>
            <source>Classification failed: {0}</source>
            <translation>분류 실패: {0}</translation>
        </message>
        <message>
            <source>error: {0}</source>
            <translation>오류: {0}</translation>
        </message>
        <message>
            <source>Open checkpoint</source>
            <translation>체크포인트 열기</translation>
        </message>
        <message>
            <source>Checkpoints (*.pt *.pth);;All files (*)</source>
            <translation>체크포인트 (*.pt *.pth);;모든 파일 (*)</translation>
        </message>
        <message>
            <source>Open images</source>
            <translation>이미지 열기</translation>
        </message>
        <message>
            <source>Images ({0});;All files (*)</source>
            <translation>이미지 ({0});;모든 파일 (*)</translation>
        </message>
        <message>
            <source>Open a folder of images</source>
            <translation>이미지 폴더 열기</translation>
        </message>
        <message>
            <source>Export predictions</source>
            <translation>예측 내보내기</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV 파일 (*.csv)</translation>
        </message>
        <message>
            <source>Saved {0}.</source>
            <translation>{0}에 저장했습니다.</translation>
        </message>
    </context>
    <context>
        <name>PredictionCard</name>
        <message>
            <source>Could not classify: {0}</source>
            <translation>분류할 수 없습니다: {0}</translation>
        </message>
        <message>
            <source>Probability of {0}</source>
            <translation>{0}일 확률</translation>
        </message>
        <message>
            <source>Grad-CAM</source>
            <translation>Grad-CAM</translation>
        </message>
        <message>
            <source>Show where the model looked for its prediction</source>
            <translation>모델이 예측할 때 본 곳 표시</translation>
        </message>
        <message>
            <source>Grad-CAM opacity</source>
            <translation>Grad-CAM 불투명도</translation>
        </message>
    </context>
    <context>
        <name>ResultsView</name>
        <message>
            <source>No results yet.

Train a model (Train view), or select a finished run in the Runs view, to see its test accuracy and confusion matrix here.</source>
            <translation>아직 결과가 없습니다.

모델을 학습하거나 (학습 화면) 실행 목록에서 끝난 실행을 고르면 테스트 정확도와 혼동 행렬이 여기에 나옵니다.</translation>
        </message>
        <message>
            <source>Confusion matrix; click a cell</source>
            <translation>혼동 행렬. 칸을 클릭하세요</translation>
        </message>
        <message>
            <source>Confusion matrix (click a cell)</source>
            <translation>혼동 행렬 (confusion matrix, 칸을 클릭하세요)</translation>
        </message>
        <message>
            <source>Per-class accuracy</source>
            <translation>클래스별 정확도</translation>
        </message>
        <message>
            <source>Per-class test accuracy</source>
            <translation>클래스별 테스트 정확도</translation>
        </message>
        <message>
            <source>Click a cell of the confusion matrix to see the images behind it.</source>
            <translation>혼동 행렬의 칸을 클릭하면 그 칸에 해당하는 이미지가 보입니다.</translation>
        </message>
        <message>
            <source>Images behind the selected cell</source>
            <translation>선택한 칸의 이미지</translation>
        </message>
        <message>
            <source>&lt;b&gt;Hardest examples&lt;/b&gt; — the most confidently wrong test images</source>
            <translation>&lt;b&gt;가장 어려운 예&lt;/b&gt; — 가장 확신하며 틀린 테스트 이미지</translation>
        </message>
        <message>
            <source>Hardest examples</source>
            <translation>가장 어려운 예</translation>
        </message>
        <message>
            <source>The run {name} has no test results (it was stopped early, or the dataset has no test split).</source>
            <translation>실행 {name}에는 테스트 결과가 없습니다 (일찍 멈췄거나 데이터셋에 테스트 분할이 없습니다).</translation>
        </message>
        <message>
            <source>&lt;span style='font-size:15pt'&gt;&lt;b&gt;Test accuracy {acc:.2%}&lt;/b&gt;&lt;/span&gt; &amp;nbsp; {count} test images · loss {loss:.4f} · {wrong} misclassified &amp;nbsp; &lt;i&gt;{title}&lt;/i&gt;</source>
            <translation>&lt;span style='font-size:15pt'&gt;&lt;b&gt;테스트 정확도 {acc:.2%}&lt;/b&gt;&lt;/span&gt; &amp;nbsp; 테스트 이미지 {count}개 · 손실 {loss:.4f} · 오분류 {wrong}개 &amp;nbsp; &lt;i&gt;{title}&lt;/i&gt;</translation>
        </message>
        <message>
            <source>{path}
true: {t}, predicted: {p} ({c:.1%})</source>
            <translation>{path}
실제: {t}, 예측: {p} ({c:.1%})</translation>
        </message>
        <message>
            <source>
Double-click to open it in the Inspect view.</source>
            <translation>
더블 클릭하면 살펴보기 화면에서 엽니다.</translation>
        </message>
        <message>
            <source> Correct predictions are not stored per image; only mistakes are listed.</source>
            <translation> 맞힌 예측은 이미지별로 저장하지 않으므로 틀린 것만 나옵니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;true {t} → predicted {p}&lt;/b&gt;: {n} images, {k} shown, most confident first.{note}</source>
            <translation>&lt;b&gt;실제 {t} → 예측 {p}&lt;/b&gt;: 이미지 {n}개 중 {k}개 표시, 확신이 높은 순.{note}</translation>
        </message>
        <message>
            <source>No checkpoint in this run: Grad-CAM needs best.pt or last.pt.</source>
            <translation>이 실행에는 체크포인트가 없습니다. Grad-CAM에는 best.pt나 last.pt가 필요합니다.</translation>
        </message>
        <message>
            <source>Computing Grad-CAM for {n} images…</source>
            <translation>이미지 {n}개의 Grad-CAM 계산 중…</translation>
        </message>
        <message>
            <source>Grad-CAM: {k} of {n} images…</source>
            <translation>Grad-CAM: 이미지 {n}개 중 {k}개…</translation>
        </message>
        <message>
            <source>Grad-CAM of {k} images ({what}).</source>
            <translation>이미지 {k}개의 Grad-CAM ({what}).</translation>
        </message>
        <message>
            <source>true class</source>
            <translation>실제 클래스</translation>
        </message>
        <message>
            <source>predicted class</source>
            <translation>예측 클래스</translation>
        </message>
        <message>
            <source>{n} could not be read (e.g. {path}).</source>
            <translation>{n}개를 읽을 수 없습니다 (예: {path}).</translation>
        </message>
        <message>
            <source>Grad-CAM failed: {0}</source>
            <translation>Grad-CAM 실패: {0}</translation>
        </message>
    </context>
    <context>
        <name>RunNotes</name>
        <message>
            <source>Notes on the selected run</source>
            <translation>선택한 실행에 대한 메모</translation>
        </message>
        <message>
            <source>What did this run try, and what did you learn from it? The notes are saved in the run's folder.</source>
            <translation>이 실행에서 무엇을 시도했고 무엇을 배웠나요? 메모는 실행 폴더에 저장됩니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Notes on {name}&lt;/b&gt;</source>
            <translation>&lt;b&gt;{name}에 대한 메모&lt;/b&gt;</translation>
        </message>
        <message>
            <source>&lt;b&gt;Notes&lt;/b&gt; (select one run)</source>
            <translation>&lt;b&gt;메모&lt;/b&gt; (실행 하나를 고르세요)</translation>
        </message>
    </context>
    <context>
        <name>RunSelection</name>
        <message>
            <source>Inspect and Predict now use {path}</source>
            <translation>이제 살펴보기와 예측에서 {path}을(를) 씁니다</translation>
        </message>
    </context>
    <context>
        <name>RunsOverlay</name>
        <message>
            <source>train and held-out error (%)</source>
            <translation>학습 및 검증 오류율 (%)</translation>
        </message>
        <message>
            <source>held-out accuracy</source>
            <translation>검증 정확도</translation>
        </message>
        <message>
            <source>train accuracy</source>
            <translation>학습 정확도</translation>
        </message>
        <message>
            <source>held-out loss</source>
            <translation>검증 손실</translation>
        </message>
        <message>
            <source>train loss</source>
            <translation>학습 손실</translation>
        </message>
        <message>
            <source>Select several runs to overlay their curves:</source>
            <translation>여러 실행을 선택하면 곡선을 겹쳐 봅니다:</translation>
        </message>
        <message>
            <source>Metric to overlay</source>
            <translation>겹쳐 볼 지표</translation>
        </message>
        <message>
            <source>Runs compared</source>
            <translation>실행 비교</translation>
        </message>
        <message>
            <source>value</source>
            <translation>값</translation>
        </message>
        <message>
            <source>error (%)</source>
            <translation>오차 (%)</translation>
        </message>
        <message>
            <source>Train (thin) and held-out (bold) error</source>
            <translation>학습 (가는 선)과 검증 (굵은 선) 오류율</translation>
        </message>
        <message>
            <source>train</source>
            <translation>학습</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>검증</translation>
        </message>
    </context>
    <context>
        <name>RunsView</name>
        <message>
            <source>Model</source>
            <translation>모델</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>상태</translation>
        </message>
        <message>
            <source>Epochs</source>
            <translation>에폭 수</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>이름</translation>
        </message>
        <message>
            <source>Model options</source>
            <translation>모델 옵션</translation>
        </message>
        <message>
            <source>Dataset</source>
            <translation>데이터셋</translation>
        </message>
        <message>
            <source>Best held-out</source>
            <translation>최고 검증 정확도</translation>
        </message>
        <message>
            <source>Test</source>
            <translation>테스트</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>만든 시각</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>완료</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>멈춤</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>실패</translation>
        </message>
        <message>
            <source>running</source>
            <translation>실행 중</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>중단됨</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>알 수 없음</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>새로 고침</translation>
        </message>
        <message>
            <source>Open run folder…</source>
            <translation>실행 폴더 열기…</translation>
        </message>
        <message>
            <source>Rename…</source>
            <translation>이름 바꾸기…</translation>
        </message>
        <message>
            <source>Give the run a name of your own (F2); its folder keeps its name.</source>
            <translation>실행에 원하는 이름을 붙입니다 (F2). 폴더 이름은 그대로 둡니다.</translation>
        </message>
        <message>
            <source>Show in file manager</source>
            <translation>파일 관리자에서 보기</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>이어서 학습</translation>
        </message>
        <message>
            <source>Continue an interrupted or stopped run from its last checkpoint.</source>
            <translation>중단되거나 멈춘 실행을 마지막 체크포인트부터 이어서 학습합니다.</translation>
        </message>
        <message>
            <source>Export model…</source>
            <translation>모델 내보내기…</translation>
        </message>
        <message>
            <source>Save the run's model as ONNX or TorchScript for deployment.</source>
            <translation>실행의 모델을 배포용 ONNX 또는 TorchScript로 저장합니다.</translation>
        </message>
        <message>
            <source>Export for a server…</source>
            <translation>서버용으로 내보내기…</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>실행 목록</translation>
        </message>
        <message>
            <source>No runs yet: train a model (Train tab) or open a run folder.</source>
            <translation>아직 실행이 없습니다. 모델을 학습하거나 (학습 탭) 실행 폴더를 여세요.</translation>
        </message>
        <message>
            <source>Open a run folder</source>
            <translation>실행 폴더 열기</translation>
        </message>
    </context>
    <context>
        <name>StrategyGuide</name>
        <message>
            <source>Transfer-learning guide</source>
            <translation>전이학습 안내</translation>
        </message>
        <message>
            <source>Similar to ImageNet</source>
            <translation>ImageNet과 비슷함</translation>
        </message>
        <message>
            <source>Different from ImageNet</source>
            <translation>ImageNet과 다름</translation>
        </message>
        <message>
            <source>Small dataset</source>
            <translation>작은 데이터셋</translation>
        </message>
        <message>
            <source>Large dataset</source>
            <translation>큰 데이터셋</translation>
        </message>
        <message>
            <source>Transfer strategy: {title}</source>
            <translation>전이학습 전략: {title}</translation>
        </message>
        <message>
            <source>Choose the cell that describes your data: its recommendation is applied to the model, the freezing and the augmentation.</source>
            <translation>내 데이터에 맞는 칸을 고르세요. 그 권장 설정이 모델, 고정할 층, 데이터 증강에 적용됩니다.</translation>
        </message>
        <message>
            <source>Training starts at {layer}.</source>
            <translation>학습은 {layer}부터 합니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;{title}&lt;/b&gt;: {advice} {start}&lt;br&gt;&lt;i&gt;Why:&lt;/i&gt; {reason} Backbone learning rate × {mult}.</source>
            <translation>&lt;b&gt;{title}&lt;/b&gt;: {advice} {start}&lt;br&gt;&lt;i&gt;이유:&lt;/i&gt; {reason} 백본 학습률 × {mult}.</translation>
        </message>
    </context>
    <context>
        <name>TrainCurves</name>
        <message>
            <source>Loss (log scale)</source>
            <extracomment>the fixed curves of each plot; the lr plot adds one curve per parameter group ("lr:&lt;group name&gt;")</extracomment>
            <translation>손실 (로그 척도)</translation>
        </message>
        <message>
            <source>loss</source>
            <translation>손실</translation>
        </message>
        <message>
            <source>epoch</source>
            <translation>에폭</translation>
        </message>
        <message>
            <source>Accuracy</source>
            <translation>정확도</translation>
        </message>
        <message>
            <source>accuracy</source>
            <translation>정확도</translation>
        </message>
        <message>
            <source>Learning rate (each parameter group)</source>
            <translation>학습률 (파라미터 그룹별)</translation>
        </message>
        <message>
            <source>lr</source>
            <translation>학습률</translation>
        </message>
        <message>
            <source>Throughput</source>
            <translation>처리량</translation>
        </message>
        <message>
            <source>images/s</source>
            <translation>이미지/초</translation>
        </message>
        <message>
            <source>train (per step, smoothed)</source>
            <translation>학습 (스텝별, 평활화)</translation>
        </message>
        <message>
            <source>train</source>
            <translation>학습</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>검증</translation>
        </message>
        <message>
            <source>Press Start (F5) to train; curves appear here.</source>
            <translation>시작 (F5)을 누르면 학습하고, 곡선이 여기에 나옵니다.</translation>
        </message>
        <message>
            <source>head</source>
            <translation>헤드</translation>
        </message>
        <message>
            <source>backbone</source>
            <translation>백본</translation>
        </message>
        <message>
            <source>{group} ({path})</source>
            <translation>{group} ({path})</translation>
        </message>
    </context>
    <context>
        <name>TrainForm</name>
        <message>
            <source>Epochs</source>
            <translation>에폭 수</translation>
        </message>
        <message>
            <source>Batch size</source>
            <translation>배치 크기</translation>
        </message>
        <message>
            <source>Optimizer</source>
            <translation>옵티마이저</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>학습률</translation>
        </message>
        <message>
            <source>A positive number below 100, e.g. 0.1 or 1e-3.</source>
            <translation>100보다 작은 양수 (예: 0.1, 1e-3).</translation>
        </message>
        <message>
            <source>Momentum</source>
            <translation>모멘텀</translation>
        </message>
        <message>
            <source>Weight decay</source>
            <translation>가중치 감쇠 (weight decay)</translation>
        </message>
        <message>
            <source>Zero or a small positive number, e.g. 5e-4.</source>
            <translation>0 또는 작은 양수 (예: 5e-4).</translation>
        </message>
        <message>
            <source>LR schedule</source>
            <translation>학습률 스케줄</translation>
        </message>
        <message>
            <source>Warm-up epochs</source>
            <translation>워밍업 에폭</translation>
        </message>
        <message>
            <source>Label smoothing</source>
            <translation>레이블 스무딩</translation>
        </message>
        <message>
            <source>Augment: shift (px)</source>
            <translation>증강: 이동 (px)</translation>
        </message>
        <message>
            <source>horizontal flip</source>
            <translation>좌우 뒤집기</translation>
        </message>
        <message>
            <source>Augment: horizontal flip</source>
            <translation>증강: 좌우 뒤집기</translation>
        </message>
        <message>
            <source>Augment: flip</source>
            <translation>증강: 뒤집기</translation>
        </message>
        <message>
            <source>Augment: cutout (px)</source>
            <translation>증강: 컷아웃 (px)</translation>
        </message>
        <message>
            <source>cache their features</source>
            <translation>특징을 캐시</translation>
        </message>
        <message>
            <source>Frozen layers: cache their features</source>
            <translation>동결한 층: 특징 캐시</translation>
        </message>
        <message>
            <source>When the frozen layers come first (feature extraction, last stage, train from a layer), their output is computed once per image and every epoch trains only the rest, many times faster. Horizontal flips are kept; random shift and cutout are off on cached features: untick this to train with them.</source>
            <translation>동결한 층이 앞쪽에 있으면 (특징 추출, 마지막 단계, 선택한 층부터 학습) 그 출력을 이미지마다 한 번만 계산하고, 모든 에폭은 나머지만 학습해 몇 배 빨라집니다. 좌우 뒤집기는 유지되고, 무작위 이동과 컷아웃은 캐시된 특징에서는 꺼집니다. 이 증강으로 학습하려면 체크를 해제하세요.</translation>
        </message>
        <message>
            <source>Frozen layers</source>
            <translation>동결한 층</translation>
        </message>
        <message>
            <source>Image size</source>
            <translation>이미지 크기</translation>
        </message>
        <message>
            <source>auto</source>
            <translation>자동</translation>
        </message>
        <message>
            <source>Input size</source>
            <translation>입력 크기</translation>
        </message>
        <message>
            <source>Held-out set</source>
            <translation>검증 세트 (held-out)</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>장치</translation>
        </message>
        <message>
            <source>Precision</source>
            <translation>연산 정밀도</translation>
        </message>
        <message>
            <source>Seed</source>
            <translation>시드</translation>
        </message>
        <message>
            <source>Momentum applies to SGD only; {opt} uses its own moving averages (betas) instead.</source>
            <translation>모멘텀은 SGD에만 쓰입니다. {opt}는 대신 자체 이동 평균 (betas)을 씁니다.</translation>
        </message>
        <message>
            <source>after {n:g} epochs</source>
            <translation>{n:g} 에폭 뒤에</translation>
        </message>
        <message>
            <source>inside the first epoch</source>
            <translation>첫 에폭 안에서</translation>
        </message>
        <message>
            <source>The step schedule lowers the learning rate {where}, before the warm-up ends; shorten the warm-up or train for more epochs.</source>
            <translation>step 스케줄이 워밍업이 끝나기 전 {where} 학습률을 낮춥니다. 워밍업을 줄이거나 더 많은 에폭을 학습하세요.</translation>
        </message>
        <message numerus="yes">
            <source>With %n epoch(s) the step schedule multiplies the learning rate by {factor:g} {where}, before the model has learnt much; train for more epochs or use the cosine schedule.</source>
            <translation>
                <numerusform>%n 에폭으로는 모델이 충분히 배우기 전에 step 스케줄이 {where} 학습률에 {factor:g}을(를) 곱합니다. 더 많은 에폭을 학습하거나 cosine 스케줄을 쓰세요.</numerusform>
            </translation>
        </message>
        <message>
            <source>{what} must be a number, e.g. 0.01 or 1e-3.</source>
            <translation>{what}은(는) 숫자여야 합니다 (예: 0.01, 1e-3).</translation>
        </message>
    </context>
    <context>
        <name>TrainView</name>
        <message>
            <source>Start</source>
            <translation>시작</translation>
        </message>
        <message>
            <source>Start training</source>
            <translation>학습 시작</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>일시 정지</translation>
        </message>
        <message>
            <source>Pause or resume training</source>
            <translation>학습 일시 정지 또는 재개</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>멈춤</translation>
        </message>
        <message>
            <source>Stop training</source>
            <translation>학습 멈춤</translation>
        </message>
        <message>
            <source>Family defaults</source>
            <translation>모델 계열 기본값</translation>
        </message>
        <message>
            <source>Save config…</source>
            <translation>설정 저장…</translation>
        </message>
        <message>
            <source>Load config…</source>
            <translation>설정 불러오기…</translation>
        </message>
        <message>
            <source>Epoch progress</source>
            <translation>에폭 진행률</translation>
        </message>
        <message>
            <source>Run progress</source>
            <translation>실행 진행률</translation>
        </message>
        <message>
            <source>Epoch</source>
            <translation>에폭</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>실행</translation>
        </message>
        <message>
            <source>held-out</source>
            <translation>검증</translation>
        </message>
        <message>
            <source>Event log</source>
            <translation>이벤트 기록</translation>
        </message>
        <message>
            <source>Open a dataset, pick a model, then press Start (F5).</source>
            <translation>데이터셋을 열고 모델을 고른 뒤 시작 (F5)을 누르세요.</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>이어서 학습</translation>
        </message>
        <message numerus="yes">
            <source>%n step(s) per epoch</source>
            <translation>
                <numerusform>에폭당 스텝 %n개</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Resumed after %n epoch(s); the earlier curves come from the run's metrics.</source>
            <translation>
                <numerusform>에폭 %n개 이후부터 이어서 학습합니다. 앞부분 곡선은 이 실행의 지표 기록에서 가져옵니다.</numerusform>
            </translation>
        </message>
        <message>
            <source>Features {done}/{total}</source>
            <translation>특징 계산 {done}/{total}</translation>
        </message>
        <message>
            <source>Feature cache: {message}</source>
            <translation>특징 캐시: {message}</translation>
        </message>
        <message numerus="yes">
            <source>Run {status} after %n epoch(s).</source>
            <translation>
                <numerusform>에폭 %n개 후 실행 {status}.</numerusform>
            </translation>
        </message>
        <message>
            <source>Test accuracy {acc:.2%}.</source>
            <translation>테스트 정확도 {acc:.2%}.</translation>
        </message>
        <message>
            <source>Run started: {model} on {device} ({precision}), {n} training images, {m} {held} images, {steps} → {dir}</source>
            <translation>실행 시작: {model}, {device} ({precision}), 학습 이미지 {n}개, {held} 이미지 {m}개, {steps} → {dir}</translation>
        </message>
        <message>
            <source>Estimate time</source>
            <translation>시간 추정</translation>
        </message>
        <message>
            <source>Time a few training steps to estimate how long the run takes</source>
            <translation>학습 몇 단계를 재어 실행 시간을 추정합니다</translation>
        </message>
        <message>
            <source>No run yet.</source>
            <translation>아직 실행이 없습니다.</translation>
        </message>
        <message>
            <source>&lt;b&gt;This run:&lt;/b&gt; {model} on {dataset} ({n} training, {m} {held} images, {size} px) · {device} ({precision}) · {dir}</source>
            <translation>&lt;b&gt;이번 실행:&lt;/b&gt; {dataset}의 {model} (학습 {n}장, {held} {m}장, {size} px) · {device} ({precision}) · {dir}</translation>
        </message>
        <message>
            <source>Epoch {e}</source>
            <translation>에폭 {e}</translation>
        </message>
        <message>
            <source>{ips:.0f} images/s
ETA {eta}</source>
            <translation>{ips:.0f} 이미지/초
남은 시간 {eta}</translation>
        </message>
        <message>
            <source>, {name} loss {loss:.4f}, accuracy {acc:.2%}</source>
            <translation>, {name} 손실 {loss:.4f}, 정확도 {acc:.2%}</translation>
        </message>
        <message>
            <source>Epoch {e}/{n}: train loss {tl:.4f}, accuracy {ta:.2%}{held}{best} ({s:.1f} s, {ips:.0f} images/s)</source>
            <translation>에폭 {e}/{n}: 학습 손실 {tl:.4f}, 정확도 {ta:.2%}{held}{best} ({s:.1f}초, {ips:.0f} 이미지/초)</translation>
        </message>
        <message>
            <source> — best so far</source>
            <translation> — 지금까지 최고</translation>
        </message>
        <message>
            <source>Warning: the {name} loss is {loss:.3g}, far above a random model's: the network is unstable on unseen data; lower the learning rate or add warm-up if it does not fall in the next epochs.</source>
            <translation>경고: {name} 손실이 {loss:.3g}로 무작위 모델보다 훨씬 큽니다. 신경망이 처음 보는 데이터에서 불안정합니다. 다음 에폭에서도 내려가지 않으면 학습률을 낮추거나 워밍업(warm-up)을 추가하세요.</translation>
        </message>
        <message>
            <source>{status} in {t}</source>
            <translation>{status}: {t}</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>완료</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>멈춤</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>실패</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>중단됨</translation>
        </message>
        <message>
            <source>validation</source>
            <translation>검증</translation>
        </message>
        <message>
            <source>test</source>
            <translation>테스트</translation>
        </message>
        <message>
            <source>Failed: {message}</source>
            <translation>실패: {message}</translation>
        </message>
        <message numerus="yes">
            <source>&lt;b&gt;Next run:&lt;/b&gt; {model} on {dataset}, %n epoch(s).</source>
            <translation>
                <numerusform>&lt;b&gt;다음 실행:&lt;/b&gt; {dataset}의 {model}, %n 에폭.</numerusform>
            </translation>
        </message>
        <message>
            <source>no dataset</source>
            <translation>데이터셋 없음</translation>
        </message>
        <message>
            <source>The settings changed since the last estimate.</source>
            <translation>마지막 추정 뒤로 설정이 바뀌었습니다.</translation>
        </message>
        <message>
            <source>Open a dataset to estimate the training time.</source>
            <translation>학습 시간을 추정하려면 데이터셋을 여세요.</translation>
        </message>
        <message>
            <source>Estimating the training time…</source>
            <translation>학습 시간을 추정하는 중…</translation>
        </message>
        <message>
            <source>about {n} s</source>
            <translation>약 {n}초</translation>
        </message>
        <message>
            <source>about {n} min</source>
            <translation>약 {n}분</translation>
        </message>
        <message numerus="yes">
            <source>Estimated time: {duration} for %n epoch(s) ({ips:.0f} images/s).</source>
            <translation>
                <numerusform>예상 시간: %n 에폭에 {duration} (초당 {ips:.0f}장).</numerusform>
            </translation>
        </message>
        <message>
            <source>Of that, {duration} computes the frozen layers' features once; every epoch then trains on them.</source>
            <translation>그중 {duration}은 동결한 층의 특징을 한 번 계산하는 시간이고, 이후 모든 에폭은 그 특징으로 학습합니다.</translation>
        </message>
        <message>
            <source>The frozen layers' features are already in the cache folder: no epoch runs them.</source>
            <translation>동결한 층의 특징이 이미 캐시 폴더에 있어, 어느 에폭도 그 층을 실행하지 않습니다.</translation>
        </message>
        <message>
            <source>No estimate: {message}</source>
            <translation>추정할 수 없습니다: {message}</translation>
        </message>
    </context>
    <context>
        <name>WeightsPicker</name>
        <message>
            <source>None (random initialisation)</source>
            <translation>없음 (무작위 초기화)</translation>
        </message>
        <message>
            <source>A weights file…</source>
            <translation>가중치 파일…</translation>
        </message>
        <message>
            <source>An earlier run's checkpoint…</source>
            <translation>이전 실행의 체크포인트…</translation>
        </message>
        <message>
            <source>Starting weights</source>
            <translation>시작 가중치</translation>
        </message>
        <message>
            <source>Download</source>
            <translation>내려받기</translation>
        </message>
        <message>
            <source>Download the ImageNet weights</source>
            <translation>ImageNet 가중치 내려받기</translation>
        </message>
        <message>
            <source>Download progress</source>
            <translation>내려받기 진행률</translation>
        </message>
        <message>
            <source>ImageNet weights are cached.</source>
            <translation>ImageNet 가중치가 캐시에 있습니다.</translation>
        </message>
        <message>
            <source>ImageNet weights are not cached yet; download them first.</source>
            <translation>ImageNet 가중치가 아직 캐시에 없습니다. 먼저 내려받으세요.</translation>
        </message>
        <message>
            <source>Random initialisation.</source>
            <translation>무작위 초기화.</translation>
        </message>
        <message>
            <source>Open a weights file</source>
            <translation>가중치 파일 열기</translation>
        </message>
        <message>
            <source>Open a run checkpoint</source>
            <translation>실행 체크포인트 열기</translation>
        </message>
        <message>
            <source>PyTorch weights (*.pt *.pth *.bin);;All files (*)</source>
            <translation>PyTorch 가중치 (*.pt *.pth *.bin);;모든 파일 (*)</translation>
        </message>
    </context>
    <context>
        <name>WindowActions</name>
        <message>
            <source>&amp;Open dataset…</source>
            <translation>데이터셋 열기(&amp;O)…</translation>
        </message>
        <message>
            <source>Open &amp;demo dataset</source>
            <translation>데모 데이터셋 열기(&amp;D)</translation>
        </message>
        <message>
            <source>Open run &amp;folder…</source>
            <translation>실행 폴더 열기(&amp;F)…</translation>
        </message>
        <message>
            <source>&amp;Load config…</source>
            <translation>설정 불러오기(&amp;L)…</translation>
        </message>
        <message>
            <source>&amp;Save config…</source>
            <translation>설정 저장(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Export for a server (config + torchrun)…</source>
            <translation>서버용으로 내보내기(&amp;E) (설정 + torchrun)…</translation>
        </message>
        <message>
            <source>Export &amp;model (ONNX, TorchScript)…</source>
            <translation>모델 내보내기(&amp;M) (ONNX, TorchScript)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>끝내기(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Start training</source>
            <translation>학습 시작(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Pause / resume</source>
            <translation>일시 정지 / 재개(&amp;P)</translation>
        </message>
        <message>
            <source>S&amp;top training</source>
            <translation>학습 멈춤(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>파일(&amp;F)</translation>
        </message>
        <message>
            <source>Recent datasets</source>
            <translation>최근 데이터셋</translation>
        </message>
        <message>
            <source>&amp;Train</source>
            <translation>학습(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Runs</source>
            <translation>실행(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>보기(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>도움말(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;About CNN Studio</source>
            <translation>CNN Studio 정보(&amp;A)</translation>
        </message>
        <message>
            <source>Main</source>
            <translation>기본 도구 모음</translation>
        </message>
        <message>
            <source>About CNN Studio</source>
            <translation>CNN Studio 정보</translation>
        </message>
        <message>
            <source>CNN Studio {v}
Train and understand convolutional networks with PyTorch.</source>
            <translation>CNN Studio {v}
PyTorch로 합성곱 신경망 (CNN)을 학습하고 이해합니다.</translation>
        </message>
    </context>
    <context>
        <name>dialogs</name>
        <message>
            <source>CNN Studio</source>
            <translation>CNN Studio</translation>
        </message>
        <message>
            <source>Unexpected error</source>
            <translation>예상하지 못한 오류</translation>
        </message>
        <message>
            <source>Something went wrong; the app keeps running.</source>
            <translation>문제가 생겼지만 앱은 계속 실행됩니다.</translation>
        </message>
    </context>
    <context>
        <name>plots</name>
        <message>
            <source>epoch</source>
            <translation>에폭</translation>
        </message>
    </context>
    <context>
        <name>widget</name>
        <message>
            <source>shown</source>
            <translation>확인됨</translation>
        </message>
        <message>
            <source>not shown</source>
            <translation>확인되지 않음</translation>
        </message>
        <message>
            <source>inconclusive</source>
            <translation>판단 불가</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>완료</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>멈춤</translation>
        </message>
        <message>
            <source>unfinished</source>
            <translation>미완료</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <source>A network trained on ImageNet has already learned edges, textures and object parts. On a small dataset you reuse them: freeze the network and train a new head (feature extraction), or also retrain the last stage, or fine-tune everything with a smaller learning rate for the pretrained layers. Which is best depends on the dataset's size and its similarity to ImageNet.</source>
            <translation>ImageNet으로 학습한 신경망은 이미 경계, 질감, 물체의 부분을 배웠습니다. 작은 데이터셋에서는 이를 재사용합니다: 신경망을 고정하고 새 분류기만 학습하거나(특징 추출), 마지막 단계도 다시 학습하거나, 사전 학습된 층의 학습률을 낮춰 전체를 미세 조정합니다. 무엇이 가장 좋은지는 데이터셋의 크기와 ImageNet과의 유사성에 달려 있습니다.</translation>
        </message>
        <message>
            <source>A: parameter-free identity with zero-padded channels (the paper's choice for CIFAR); B: 1x1 convolution projections where the shape changes.</source>
            <translation>A: 채널을 0으로 채운 파라미터 없는 항등 연결(논문의 CIFAR 선택), B: 모양이 바뀌는 곳에서 1x1 합성곱 투영.</translation>
        </message>
        <message>
            <source>BatchNorm</source>
            <translation>배치 정규화</translation>
        </message>
        <message>
            <source>BatchNorm after every convolution; turn it off to see how much it speeds up and stabilises training.</source>
            <translation>모든 합성곱 뒤의 배치 정규화(BatchNorm). 꺼 보면 학습을 얼마나 빠르고 안정적으로 만드는지 볼 수 있습니다.</translation>
        </message>
        <message>
            <source>BatchNorm normalises each layer's inputs over the mini-batch, so every layer sees inputs of a steady scale while the earlier layers change. The same network then learns in fewer epochs at the same learning rate, and tolerates a learning rate that makes the plain version fail.</source>
            <translation>배치 정규화(BatchNorm)는 각 층의 입력을 미니배치 단위로 정규화하므로, 앞쪽 층이 바뀌어도 모든 층이 일정한 크기의 입력을 받습니다. 그래서 같은 신경망이 같은 학습률에서 더 적은 에폭으로 배우고, 정규화 없는 버전이 실패하는 학습률도 견딥니다.</translation>
        </message>
        <message>
            <source>BatchNorm: faster training and larger learning rates</source>
            <translation>배치 정규화: 더 빠른 학습과 더 큰 학습률</translation>
        </message>
        <message>
            <source>Custom</source>
            <translation>사용자 지정</translation>
        </message>
        <message>
            <source>Degradation: deeper plain nets train worse, ResNets do not</source>
            <translation>성능 저하: 깊은 일반 신경망은 더 못 배우지만 ResNet은 아니다</translation>
        </message>
        <message>
            <source>Early layers detect edges and colours that suit any image, but the last stage's ImageNet object parts do not fit your images, and too few images forbid training more.</source>
            <translation>앞쪽 층은 어떤 이미지에나 맞는 경계와 색을 찾지만, 마지막 단계의 ImageNet 물체 부분은 내 이미지에 맞지 않고, 이미지가 너무 적어 더 많이 학습할 수는 없습니다.</translation>
        </message>
        <message>
            <source>EfficientNet-B0 (ImageNet)</source>
            <translation>EfficientNet-B0 (ImageNet)</translation>
        </message>
        <message>
            <source>EfficientNet-Lite0 (ImageNet, offline)</source>
            <translation>EfficientNet-Lite0 (ImageNet, 오프라인)</translation>
        </message>
        <message>
            <source>EfficientNet-Lite0: EfficientNet-B0 simplified for mobile hardware (ReLU6, no squeeze-and-excitation). Its ImageNet weights ship with CNN Studio, so transfer learning works without internet. Designed for 224x224 input scaled to [-1, 1].</source>
            <translation>EfficientNet-Lite0: 모바일 하드웨어용으로 단순화한 EfficientNet-B0 (ReLU6, squeeze-and-excitation 없음). ImageNet 가중치가 CNN Studio에 들어 있어 인터넷 없이도 전이학습을 할 수 있습니다. [-1, 1]로 조정한 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>Enough data lets the deeper layers adapt without overfitting, and the small rate keeps the already useful ImageNet features from being destroyed early in training.</source>
            <translation>데이터가 충분하면 깊은 층이 과적합 없이 적응할 수 있고, 작은 학습률은 이미 유용한 ImageNet 특징이 학습 초기에 망가지지 않게 합니다.</translation>
        </message>
        <message>
            <source>Feature extraction</source>
            <translation>특징 추출</translation>
        </message>
        <message>
            <source>Fine-tune last stage</source>
            <translation>마지막 단계 미세 조정</translation>
        </message>
        <message>
            <source>Fine-tune the last stage</source>
            <translation>마지막 단계 미세 조정</translation>
        </message>
        <message>
            <source>Fine-tune the last stages</source>
            <translation>마지막 단계들 미세 조정</translation>
        </message>
        <message>
            <source>Fine-tune the last two stages and the classifier, the pretrained layers at a tenth of the learning rate, keeping the earliest layers frozen.</source>
            <translation>마지막 두 단계와 분류기를 미세 조정하고, 사전 학습된 층은 학습률의 10분의 1로, 가장 앞쪽 층은 고정한 채 둡니다.</translation>
        </message>
        <message>
            <source>First-layer filters: random, trained, ImageNet</source>
            <translation>첫 층 필터: 무작위, 학습 후, ImageNet</translation>
        </message>
        <message>
            <source>Freeze the early layers and fine-tune the last stage (from block5_conv1 in VGG-16) and the classifier, the pretrained layers at a tenth of the learning rate, with strong augmentation.</source>
            <translation>앞쪽 층을 고정하고 마지막 단계(VGG-16에서는 block5_conv1부터)와 분류기를 미세 조정합니다. 사전 학습된 층은 학습률의 10분의 1로, 강한 데이터 증강과 함께 학습합니다.</translation>
        </message>
        <message>
            <source>Freeze the whole pretrained network and train only the new classifier, with strong augmentation.</source>
            <translation>사전 학습된 신경망 전체를 고정하고 새 분류기만 강한 데이터 증강과 함께 학습합니다.</translation>
        </message>
        <message>
            <source>Full fine-tune</source>
            <translation>전체 미세 조정</translation>
        </message>
        <message>
            <source>He et al. 2015, Deep Residual Learning, Fig. 1 and Fig. 6 (CIFAR-10)</source>
            <translation>He et al. 2015, Deep Residual Learning, 그림 1과 그림 6 (CIFAR-10)</translation>
        </message>
        <message>
            <source>ImageNet features already describe photos like yours, and with little data any fine-tuned convolution would overfit.</source>
            <translation>ImageNet 특징이 이미 내 사진 같은 이미지를 잘 설명하고, 데이터가 적으면 미세 조정한 합성곱은 과적합됩니다.</translation>
        </message>
        <message>
            <source>Ioffe &amp; Szegedy 2015, Batch Normalization, Fig. 1(a) and Fig. 2 (time to accuracy)</source>
            <translation>Ioffe &amp; Szegedy 2015, Batch Normalization, 그림 1(a)와 그림 2 (정확도 도달 시간)</translation>
        </message>
        <message>
            <source>Krizhevsky et al. 2012, ImageNet classification with deep CNNs, Fig. 3</source>
            <translation>Krizhevsky et al. 2012, ImageNet classification with deep CNNs, 그림 3</translation>
        </message>
        <message>
            <source>MobileNetV3-Large (ImageNet)</source>
            <translation>MobileNetV3-Large (ImageNet)</translation>
        </message>
        <message>
            <source>MobileNetV3-Small (ImageNet)</source>
            <translation>MobileNetV3-Small (ImageNet)</translation>
        </message>
        <message>
            <source>Plain-110 (CIFAR)</source>
            <translation>Plain-110 (CIFAR)</translation>
        </message>
        <message>
            <source>Plain-20 (CIFAR)</source>
            <translation>Plain-20 (CIFAR)</translation>
        </message>
        <message>
            <source>Plain-32 (CIFAR)</source>
            <translation>Plain-32 (CIFAR)</translation>
        </message>
        <message>
            <source>Plain-44 (CIFAR)</source>
            <translation>Plain-44 (CIFAR)</translation>
        </message>
        <message>
            <source>Plain-56 (CIFAR)</source>
            <translation>Plain-56 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-110 (CIFAR)</source>
            <translation>ResNet-110 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-110 without its shortcut connections: the same 110 layers stacked plainly. Train it beside resnet110 for the paper's degradation experiment: deeper plain nets reach a higher training error, which residual connections cure.</source>
            <translation>지름길 연결을 뺀 ResNet-110: 같은 110개 층을 그냥 쌓은 평범한 망 (plain net). 논문의 성능 저하 (degradation) 실험을 위해 resnet110과 나란히 학습해 보세요. 평범한 망은 깊을수록 학습 오차가 더 높아지고, 잔차 연결 (residual connection)이 이를 해결합니다.</translation>
        </message>
        <message>
            <source>ResNet-18 (CIFAR stem)</source>
            <translation>ResNet-18 (CIFAR 스템)</translation>
        </message>
        <message>
            <source>ResNet-18 (ImageNet)</source>
            <translation>ResNet-18 (ImageNet)</translation>
        </message>
        <message>
            <source>ResNet-18 adapted to 32x32 images: a 3x3 stem without max-pool keeps the full resolution, then four stages of two residual blocks (64 to 512 filters, projection shortcuts). About 95% on CIFAR-10 with a long schedule; slow on a CPU.</source>
            <translation>32x32 이미지에 맞춘 ResNet-18: 최대 풀링 없는 3x3 스템으로 해상도를 그대로 두고, 잔차 블록 2개씩으로 된 네 단계 (필터 64~512개, 사영 지름길 연결)가 이어집니다. 오래 학습하면 CIFAR-10에서 약 95%. CPU에서는 느립니다.</translation>
        </message>
        <message>
            <source>ResNet-20 (CIFAR)</source>
            <translation>ResNet-20 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-20 without its shortcut connections: the same 20 layers stacked plainly. Train it beside resnet20 for the paper's degradation experiment: deeper plain nets reach a higher training error, which residual connections cure.</source>
            <translation>지름길 연결을 뺀 ResNet-20: 같은 20개 층을 그냥 쌓은 평범한 망 (plain net). 논문의 성능 저하 (degradation) 실험을 위해 resnet20과 나란히 학습해 보세요. 평범한 망은 깊을수록 학습 오차가 더 높아지고, 잔차 연결 (residual connection)이 이를 해결합니다.</translation>
        </message>
        <message>
            <source>ResNet-32 (CIFAR)</source>
            <translation>ResNet-32 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-32 without its shortcut connections: the same 32 layers stacked plainly. Train it beside resnet32 for the paper's degradation experiment: deeper plain nets reach a higher training error, which residual connections cure.</source>
            <translation>지름길 연결을 뺀 ResNet-32: 같은 32개 층을 그냥 쌓은 평범한 망 (plain net). 논문의 성능 저하 (degradation) 실험을 위해 resnet32과 나란히 학습해 보세요. 평범한 망은 깊을수록 학습 오차가 더 높아지고, 잔차 연결 (residual connection)이 이를 해결합니다.</translation>
        </message>
        <message>
            <source>ResNet-34 (ImageNet)</source>
            <translation>ResNet-34 (ImageNet)</translation>
        </message>
        <message>
            <source>ResNet-44 (CIFAR)</source>
            <translation>ResNet-44 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-44 without its shortcut connections: the same 44 layers stacked plainly. Train it beside resnet44 for the paper's degradation experiment: deeper plain nets reach a higher training error, which residual connections cure.</source>
            <translation>지름길 연결을 뺀 ResNet-44: 같은 44개 층을 그냥 쌓은 평범한 망 (plain net). 논문의 성능 저하 (degradation) 실험을 위해 resnet44과 나란히 학습해 보세요. 평범한 망은 깊을수록 학습 오차가 더 높아지고, 잔차 연결 (residual connection)이 이를 해결합니다.</translation>
        </message>
        <message>
            <source>ResNet-50 (ImageNet)</source>
            <translation>ResNet-50 (ImageNet)</translation>
        </message>
        <message>
            <source>ResNet-56 (CIFAR)</source>
            <translation>ResNet-56 (CIFAR)</translation>
        </message>
        <message>
            <source>ResNet-56 without its shortcut connections: the same 56 layers stacked plainly. Train it beside resnet56 for the paper's degradation experiment: deeper plain nets reach a higher training error, which residual connections cure.</source>
            <translation>지름길 연결을 뺀 ResNet-56: 같은 56개 층을 그냥 쌓은 평범한 망 (plain net). 논문의 성능 저하 (degradation) 실험을 위해 resnet56과 나란히 학습해 보세요. 평범한 망은 깊을수록 학습 오차가 더 높아지고, 잔차 연결 (residual connection)이 이를 해결합니다.</translation>
        </message>
        <message>
            <source>Shortcut</source>
            <translation>지름길 연결(shortcut)</translation>
        </message>
        <message>
            <source>Simple CNN</source>
            <translation>간단한 CNN</translation>
        </message>
        <message>
            <source>Stacking more layers should never hurt: a deeper net could copy the shallower one and make the extra layers identities. Yet a plain 56-layer net reaches a higher training error than a 20-layer one, an optimisation problem rather than overfitting. Residual connections make identities easy to learn, and then depth helps.</source>
            <translation>층을 더 쌓아도 나빠질 이유는 없어 보입니다: 깊은 신경망은 얕은 신경망을 그대로 따라 하고 추가 층을 항등 함수로 만들 수 있으니까요. 그런데 56층 일반 신경망은 20층보다 학습 오차가 더 높습니다. 과적합이 아니라 최적화의 문제입니다. 잔차 연결은 항등 함수를 쉽게 배우게 하고, 그러면 깊이가 도움이 됩니다.</translation>
        </message>
        <message>
            <source>Starting from ImageNet weights reaches a higher held-out accuracy than training the same network from scratch in the same number of epochs.</source>
            <translation>같은 에폭 수에서 ImageNet 가중치로 시작하면 같은 신경망을 처음부터 학습할 때보다 검증 정확도가 높습니다.</translation>
        </message>
        <message>
            <source>The CIFAR ResNet of He et al. 2015 (section 4.2) with 110 layers: a 3x3 stem, three stages of 18 residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, as in the paper) or B (1x1 projections).</source>
            <translation>He et al. 2015 (4.2절)의 CIFAR용 ResNet, 110층: 3x3 스템, 32x32·16x16·8x8 맵에서 필터 16·32·64개로 잔차 블록 (residual block) 18개씩 쌓은 세 단계, 전역 평균 풀링 (global average pooling)과 선형 층. 지름길 연결 (shortcut) 방식 A (논문처럼 파라미터 없는 0 패딩) 또는 B (1x1 사영).</translation>
        </message>
        <message>
            <source>The CIFAR ResNet of He et al. 2015 (section 4.2) with 20 layers: a 3x3 stem, three stages of 3 residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, as in the paper) or B (1x1 projections).</source>
            <translation>He et al. 2015 (4.2절)의 CIFAR용 ResNet, 20층: 3x3 스템, 32x32·16x16·8x8 맵에서 필터 16·32·64개로 잔차 블록 (residual block) 3개씩 쌓은 세 단계, 전역 평균 풀링 (global average pooling)과 선형 층. 지름길 연결 (shortcut) 방식 A (논문처럼 파라미터 없는 0 패딩) 또는 B (1x1 사영).</translation>
        </message>
        <message>
            <source>The CIFAR ResNet of He et al. 2015 (section 4.2) with 32 layers: a 3x3 stem, three stages of 5 residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, as in the paper) or B (1x1 projections).</source>
            <translation>He et al. 2015 (4.2절)의 CIFAR용 ResNet, 32층: 3x3 스템, 32x32·16x16·8x8 맵에서 필터 16·32·64개로 잔차 블록 (residual block) 5개씩 쌓은 세 단계, 전역 평균 풀링 (global average pooling)과 선형 층. 지름길 연결 (shortcut) 방식 A (논문처럼 파라미터 없는 0 패딩) 또는 B (1x1 사영).</translation>
        </message>
        <message>
            <source>The CIFAR ResNet of He et al. 2015 (section 4.2) with 44 layers: a 3x3 stem, three stages of 7 residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, as in the paper) or B (1x1 projections).</source>
            <translation>He et al. 2015 (4.2절)의 CIFAR용 ResNet, 44층: 3x3 스템, 32x32·16x16·8x8 맵에서 필터 16·32·64개로 잔차 블록 (residual block) 7개씩 쌓은 세 단계, 전역 평균 풀링 (global average pooling)과 선형 층. 지름길 연결 (shortcut) 방식 A (논문처럼 파라미터 없는 0 패딩) 또는 B (1x1 사영).</translation>
        </message>
        <message>
            <source>The CIFAR ResNet of He et al. 2015 (section 4.2) with 56 layers: a 3x3 stem, three stages of 9 residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, as in the paper) or B (1x1 projections).</source>
            <translation>He et al. 2015 (4.2절)의 CIFAR용 ResNet, 56층: 3x3 스템, 32x32·16x16·8x8 맵에서 필터 16·32·64개로 잔차 블록 (residual block) 9개씩 쌓은 세 단계, 전역 평균 풀링 (global average pooling)과 선형 층. 지름길 연결 (shortcut) 방식 A (논문처럼 파라미터 없는 0 패딩) 또는 B (1x1 사영).</translation>
        </message>
        <message>
            <source>The course's first convolutional network: three blocks of 3x3 convolution, ReLU and 2x2 max-pooling (32, 64, 128 filters) followed by a fully connected layer, dropout and the output layer (softmax is applied by the loss). Turn BatchNorm on or off to see how it speeds up and stabilises training; it trains in minutes on a CPU.</source>
            <translation>강의의 첫 합성곱 신경망: 3x3 합성곱, ReLU, 2x2 최대 풀링으로 된 블록 3개 (필터 32, 64, 128개) 뒤에 완전 연결 층, 드롭아웃, 출력 층이 옵니다 (softmax는 손실 함수에서 적용). 배치 정규화 (BatchNorm)를 켜고 끄며 학습이 얼마나 빨라지고 안정되는지 보세요. CPU에서 몇 분이면 학습됩니다.</translation>
        </message>
        <message>
            <source>The first convolution of a trained network looks at raw pixels, and its filters become detectors of oriented edges and colour blobs, the same ones found in the visual cortex. At random initialisation they are noise; training turns them into smooth patterns, and ImageNet's millions of images make them the cleanest.</source>
            <translation>학습된 신경망의 첫 합성곱은 원본 픽셀을 보며, 그 필터는 시각 피질에서 발견되는 것과 같은 방향성 경계와 색 얼룩의 검출기가 됩니다. 무작위 초기화에서는 잡음이지만, 학습이 매끄러운 패턴으로 바꾸고, ImageNet의 수백만 장 이미지가 가장 깔끔하게 만듭니다.</translation>
        </message>
        <message>
            <source>The plain 56-layer net ends with a higher training error than the plain 20-layer net, while with residual connections the 56-layer net loses much less to its 20-layer twin, or gains.</source>
            <translation>56층 일반 신경망은 20층 일반 신경망보다 학습 오차가 높게 끝나지만, 잔차 연결이 있으면 56층 신경망은 20층 쌍둥이보다 훨씬 덜 뒤지거나 오히려 앞섭니다.</translation>
        </message>
        <message>
            <source>Train from selected layer</source>
            <translation>선택한 층부터 학습</translation>
        </message>
        <message>
            <source>Train the whole network, starting from the ImageNet weights, all layers at the full learning rate.</source>
            <translation>ImageNet 가중치에서 시작해 신경망 전체를 모든 층에 같은 학습률로 학습합니다.</translation>
        </message>
        <message>
            <source>Training turns the random first-layer filters into smoother edge and colour detectors, closer to the ImageNet filters.</source>
            <translation>학습은 무작위 첫 층 필터를 더 매끄러운 경계와 색 검출기로, ImageNet 필터에 더 가깝게 바꿉니다.</translation>
        </message>
        <message>
            <source>Transfer learning: four strategies compared</source>
            <translation>전이학습: 네 가지 전략 비교</translation>
        </message>
        <message>
            <source>Use to experiment: tick exactly the layers to freeze in the layer tree, e.g. to see how much each stage contributes.</source>
            <translation>실험용: 층 트리에서 동결할 층을 직접 고릅니다. 예를 들어 각 단계가 얼마나 기여하는지 볼 때 쓰세요.</translation>
        </message>
        <message>
            <source>Use with a large dataset (thousands of images per class) or images unlike ImageNet (X-rays, spectrograms); also the only choice for a network trained from scratch.</source>
            <translation>데이터셋이 크거나 (클래스당 수천 장) 이미지가 ImageNet과 다를 때 (X선, 스펙트로그램) 쓰세요. 처음부터 학습하는 신경망에는 이것만 쓸 수 있습니다.</translation>
        </message>
        <message>
            <source>Use with a medium dataset similar to ImageNet: the last, most task-specific stage adapts to your classes while the general early features stay fixed.</source>
            <translation>ImageNet과 비슷한 중간 크기 데이터셋에 쓰세요. 과제에 가장 특화된 마지막 단계가 내 클래스에 맞춰지고, 일반적인 앞쪽 특징은 그대로 둡니다.</translation>
        </message>
        <message>
            <source>Use with a medium dataset that differs somewhat from ImageNet: choose how deep to adapt (the course's 'everything from block5_conv1 on is trainable'); earlier layers stay fixed.</source>
            <translation>ImageNet과 조금 다른 중간 크기 데이터셋에 쓰세요. 어디부터 맞출지 고릅니다 (강의의 'block5_conv1부터 모두 학습'). 그 앞의 층은 그대로 둡니다.</translation>
        </message>
        <message>
            <source>Use with a small dataset (tens to hundreds of images per class) similar to ImageNet photos: the pretrained features are kept as they are and only the new classifier learns.</source>
            <translation>ImageNet 사진과 비슷한 작은 데이터셋 (클래스당 수십~수백 장)에 쓰세요. 사전 학습된 특징은 그대로 두고 새 분류기만 학습합니다.</translation>
        </message>
        <message>
            <source>VGG-11 (BN, 32 px)</source>
            <translation>VGG-11 (BN, 32 px)</translation>
        </message>
        <message>
            <source>VGG-11 with BatchNorm for 32x32 images: eight 3x3 convolutions in five blocks, each block ending in a 2x2 max-pool, then one linear layer. Shows how far plain stacks of small convolutions go; BatchNorm can be turned off for the BatchNorm lesson.</source>
            <translation>32x32 이미지용 배치 정규화 VGG-11: 다섯 블록에 3x3 합성곱 8개, 블록마다 끝에 2x2 최대 풀링, 그 뒤 선형 층 하나. 작은 합성곱을 쌓기만 해도 어디까지 가는지 보여 줍니다. 배치 정규화 수업을 위해 BatchNorm을 끌 수 있습니다.</translation>
        </message>
        <message>
            <source>VGG-16 (BN, 32 px)</source>
            <translation>VGG-16 (BN, 32 px)</translation>
        </message>
        <message>
            <source>VGG-16 BN (ImageNet)</source>
            <translation>VGG-16 BN (ImageNet)</translation>
        </message>
        <message>
            <source>VGG-16 with BatchNorm for 32x32 images: thirteen 3x3 convolutions in five blocks (paths block1.conv1 ... block5.conv3, Keras' block1_conv1 ... block5_conv3) and one linear layer. A strong but heavy CIFAR baseline (about 93-94% on CIFAR-10 with augmentation).</source>
            <translation>32x32 이미지용 배치 정규화 VGG-16: 다섯 블록에 3x3 합성곱 13개 (경로 block1.conv1 … block5.conv3, Keras의 block1_conv1 … block5_conv3)와 선형 층 하나. 강하지만 무거운 CIFAR 기준 모델 (증강을 쓰면 CIFAR-10에서 약 93~94%).</translation>
        </message>
        <message>
            <source>With BatchNorm the same network reaches a given held-out accuracy sooner at the same learning rate, and at a 10x larger learning rate it trains better than without BatchNorm.</source>
            <translation>배치 정규화가 있으면 같은 신경망이 같은 학습률에서 주어진 검증 정확도에 더 빨리 도달하고, 10배 큰 학습률에서도 배치 정규화가 없을 때보다 더 잘 학습합니다.</translation>
        </message>
        <message>
            <source>Yosinski et al. 2014, How transferable are features, Fig. 2; the course's 2x2 transfer guide</source>
            <translation>Yosinski et al. 2014, How transferable are features, 그림 2; 강의의 2x2 전이학습 안내</translation>
        </message>
        <message>
            <source>Your images need different features at every depth and there is enough data to learn them; the pretrained weights are only a better starting point than random ones.</source>
            <translation>내 이미지는 모든 깊이에서 다른 특징이 필요하고 그것을 배울 데이터도 충분합니다. 사전 학습 가중치는 무작위 가중치보다 나은 출발점일 뿐입니다.</translation>
        </message>
        <message>
            <source>torchvision's EfficientNet-B0 (MBConv blocks with squeeze-and-excitation and SiLU), pretrained on ImageNet: high accuracy per parameter. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 EfficientNet-B0 (squeeze-and-excitation과 SiLU를 쓰는 MBConv 블록): 파라미터 대비 정확도가 높습니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's MobileNetV3-Large, pretrained on ImageNet: fast and accurate for its size. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 MobileNetV3-Large: 크기에 비해 빠르고 정확합니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's MobileNetV3-Small, pretrained on ImageNet: tiny and fast, made for phones; a good backbone when the CPU is slow. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 MobileNetV3-Small: 휴대폰용으로 만든 작고 빠른 모델이라 CPU가 느릴 때 좋은 백본입니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's ResNet-18, pretrained on ImageNet: the usual first choice for transfer learning on a CPU. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 ResNet-18: CPU에서 전이학습을 할 때 흔히 처음 고르는 모델입니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's ResNet-34, pretrained on ImageNet: deeper than ResNet-18 with the same basic blocks, a little more accurate. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 ResNet-34: 같은 기본 블록으로 ResNet-18보다 깊고 조금 더 정확합니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's ResNet-50 with bottleneck blocks, pretrained on ImageNet: a strong general backbone, best with a GPU. Designed for 224x224 input.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 ResNet-50 (병목 블록): 강력한 범용 백본이며 GPU에서 가장 좋습니다. 224x224 입력용입니다.</translation>
        </message>
        <message>
            <source>torchvision's VGG-16 with BatchNorm, pretrained on ImageNet: the classic backbone of the course's transfer-learning lesson (Keras' block5_conv1 is features.34 here). Very large, most of its parameters in the fully connected classifier.</source>
            <translation>ImageNet으로 사전 학습된 torchvision의 배치 정규화 VGG-16: 강의의 전이학습 수업에 나오는 고전적인 백본입니다 (Keras의 block5_conv1이 여기서는 features.34). 매우 크며, 파라미터 대부분이 완전 연결 분류기에 있습니다.</translation>
        </message>
    </context>
</TS>
